package demo

// groupWeights returns each group's share of a campaign's new participants.
func groupWeights(s *campaignSpec) []float64 {
	w := make([]float64, len(s.groups))
	for i, gs := range s.groups {
		w[i] = gs.weight
	}
	return w
}

// inviterPools holds, per group and for the whole campaign (the last slot),
// the participants who might invite someone, and one entry per invitation
// already made, so that people who have recruited others tend to recruit
// more: leaders developing leaders.
type inviterPools struct {
	byGroup  [][]int // participant indexes, in order of joining
	invitees [][]int // those of them who came through an invite
	made     [][]int // inviter participant index, once per invitation
}

func newInviterPools(groups int) *inviterPools {
	return &inviterPools{byGroup: make([][]int, groups+1), invitees: make([][]int, groups+1), made: make([][]int, groups+1)}
}

func (ip *inviterPools) add(pi, group int, invited bool, w *wave) {
	all := len(ip.byGroup) - 1
	ip.byGroup[group] = append(ip.byGroup[group], pi)
	ip.byGroup[all] = append(ip.byGroup[all], pi)
	if invited {
		ip.invitees[group] = append(ip.invitees[group], pi)
		ip.invitees[all] = append(ip.invitees[all], pi)
		inv := w.byPerson[w.people[pi].inviter]
		ip.made[w.people[inv].group] = append(ip.made[w.people[inv].group], inv)
		ip.made[all] = append(ip.made[all], inv)
	}
}

// chooseInviter picks an earlier participant of a group (or of the campaign,
// for the last slot): often someone who joined recently, and among them often
// someone who was themselves invited (so chains of invitation grow deep),
// sometimes someone who has already recruited, and otherwise anyone.
func (g *gen) chooseInviter(ip *inviterPools, group int) int {
	if len(ip.byGroup[group]) == 0 {
		group = len(ip.byGroup) - 1
	}
	ps, vs := ip.byGroup[group], ip.invitees[group]
	switch u := g.r.Float64(); {
	case u < 0.35:
		return ps[len(ps)-1-g.r.IntN(min(100, len(ps)))]
	case u < 0.6 && len(vs) > 0:
		return vs[len(vs)-1-g.r.IntN(min(100, len(vs)))]
	case u < 0.8 && len(ip.made[group]) > 0:
		return oneOf(g, ip.made[group])
	default:
		return oneOf(g, ps)
	}
}
