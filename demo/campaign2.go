package demo

import (
	"math"

	"github.com/groundswell-health/groundswell"
)

// The Right Care: the next wave, built on the relationships and commitments of
// The Right Prescription and focused on the care of people with dementia in
// acute hospitals. Live on the demo's "today", 25 November 2026.
var rightCare = campaignSpec{
	campaign: groundswell.Campaign{
		Slug:  "the-right-care",
		Title: "The Right Care",
		Purpose: "Improve the care of people with dementia in acute hospitals: known as a person from the day they arrive, " +
			"with their family welcomed as partners in care, and home again safely and soon.",
		Story:    rightCareStory,
		StartsOn: groundswell.MustDate("2025-10-01"), EndsOn: groundswell.MustDate("2027-03-31"),
		Status: groundswell.CampaignLive, PredecessorID: 1, Illustrative: true,
		CreatedAt: at("2025-07-01", 11), UpdatedAt: at("2026-11-20", 15),
	},
	pledgeFrom: groundswell.MustDate("2025-10-01"),
	pledgeTo:   groundswell.MustDate("2026-11-20"),
	pledgeDay: func(day int, d groundswell.Date) float64 {
		w := 0.4 + 10*math.Exp(-float64(day)/10) + 1.5*math.Exp(-float64(day)/100)
		w += bump(day, 229, 1.5, 5) // national learning event, May 2026
		return w
	},
	pledges: []float64{60, 30, 10},
	milestones: []groundswell.Milestone{
		{Title: "Launch of The Right Care", On: groundswell.MustDate("2025-10-01"),
			Description: "The second call to action launches, carried by the people and partners of The Right Prescription."},
		{Title: "First deadlines: board leads and open visiting", On: groundswell.MustDate("2026-03-31"),
			Description: "Trusts aim to have named a board-level lead for dementia care, and carers ask wards about open visiting."},
		{Title: "National learning event", On: groundswell.MustDate("2026-05-18"),
			Description: "Wards, pharmacists, carers and leaders share what is working in acute hospitals."},
		{Title: "Half-way review", On: groundswell.MustDate("2026-09-30"),
			Description: "Each group looks at its progress against its own goal and sets its priorities for the winter."},
		{Title: "Call to action closes", On: groundswell.MustDate("2027-03-31"),
			Description: "The last day of The Right Care. Groups report back on what they did and what changed."},
	},
	groups: []groupSpec{
		{
			slug: "people-living-with-dementia", name: "People living with dementia", target: 150, weight: 0.08,
			description: "People who have a diagnosis of dementia, speaking for themselves about hospital care.",
			goal:        "When we go into hospital, we want to be seen as a person: asked what matters to us, not only what is the matter with us.",
			actions: []actionSpec{
				{"Fill in a hospital \"about me\" passport and keep it with your hospital bag",
					"Write down what you like to be called, what helps you feel calm and what you need help with, so the ward knows you from the start.", "2026-06-30", 120},
				{"Tell us about your last hospital stay",
					"Share what went well and what did not, so ward teams can learn from you.", "2027-01-31", 80},
			},
			professions: []string{"Person living with dementia"},
			sectors:     []string{"Voluntary and community"}, orgShare: 0.3,
			returning: []string{"people-living-with-dementia"},
			whyStart: []string{
				"The last time I was in hospital nobody knew I had dementia.",
				"I was moved wards three times in one night and I was terrified.",
				"In hospital I stopped eating because nobody helped me.",
				"I want to be treated as me, not as a bed number.",
			},
			whyEnd: []string{
				"Please ask me.",
				"It could make the difference for the next person.",
				"Hospitals can do better, and I want to help.",
			},
		},
		{
			slug: "carers-and-families", name: "Carers and families", target: 400, weight: 0.25,
			description: "Family members and friends who care for someone with dementia when they go into hospital.",
			goal:        "We will be partners in care on the ward, welcomed at any time, not treated as visitors.",
			actions: []actionSpec{
				{"Ask the ward about open visiting for carers",
					"Ask the ward manager whether you can be there at any time, including at mealtimes and overnight if it helps.", "2026-03-31", 250},
				{"Tell the ward team what calms and comforts the person you care for",
					"Share an \"about me\" profile with the nurse in charge when the person is admitted.", "2026-12-31", 300},
				{"Join your hospital's dementia carers' panel",
					"Help your local hospital hear from families and check that changes are working.", "2027-03-31", 80},
			},
			professions: []string{"Family carer", "Carer", "Unpaid carer", "Former carer"},
			sectors:     []string{"Voluntary and community"}, orgShare: 0.2,
			returning: []string{"carers"},
			whyStart: []string{
				"Mum came home from hospital unable to walk after ten days in bed.",
				"I was sent home at the end of visiting time while Dad called for me all night.",
				"My husband was labelled aggressive when he was just frightened.",
				"Last time, nobody read the profile I'd written about my wife.",
				"We asked the right questions about medicines last time, and it worked.",
			},
			whyEnd: []string{
				"Carers are not visitors.",
				"Families know the person best.",
				"I want the next family to have it better.",
				"I'm back because it worked before.",
			},
		},
		{
			slug: "ward-staff", name: "Ward staff", target: 800, weight: 0.42,
			description: "Nurses, healthcare assistants, doctors and therapists working on acute hospital wards.",
			goal:        "We will know who on our ward is living with dementia, and care for each of them as a person, day and night.",
			actions: []actionSpec{
				{"Complete tier 2 dementia training",
					"Finish the tier 2 dementia training so you feel confident to care for people with dementia and their families.", "2026-06-30", 500},
				{"Use the person's \"about me\" passport at every handover",
					"Make what matters to the person part of every handover, not only their observations.", "2026-09-30", 400},
				{"Stop moving people with dementia between wards at night",
					"Agree with your bed managers that people with dementia are not moved between wards at night unless their care needs it.", "2027-03-31", 300},
			},
			professions: []string{"Staff nurse", "Ward sister", "Healthcare assistant", "Resident doctor", "Consultant geriatrician", "Occupational therapist", "Physiotherapist", "Dementia specialist nurse"},
			sectors:     []string{"NHS provider"}, orgShare: 0.85, freeShare: 0.1,
			freeOrgs: []string{"Independent hospital", "Community hospital ward"},
			whyStart: []string{
				"Half the patients on my ward have dementia.",
				"I've seen patients become distressed after a night-time move.",
				"Knowing someone was a keen gardener changed how I cared for him.",
				"Our ward got better at this and the falls went down.",
				"As a healthcare assistant I spend the most time with patients.",
			},
			whyEnd: []string{
				"Every patient is somebody's mum or dad.",
				"Small things make a big difference.",
				"I want our ward to be a place families trust.",
				"It makes the job feel worthwhile.",
			},
		},
		{
			slug: "hospital-pharmacists", name: "Hospital pharmacists", target: 250, weight: 0.12,
			description: "Pharmacists and pharmacy teams in acute hospitals.",
			goal:        "No one with dementia will leave hospital on a new antipsychotic without a reason, a review date and a conversation with their family.",
			actions: []actionSpec{
				{"Review every antipsychotic started on the wards within 48 hours",
					"Check each new antipsychotic for a patient with dementia within two days, and ask whether delirium or pain has been looked for first.", "2026-06-30", 180},
				{"Write the reason and review date on every discharge summary",
					"Make sure the GP and community pharmacist know why the medicine was started and when to look at it again.", "2026-12-31", 150},
				{"Share discharge medicines with the community pharmacist",
					"Send each patient's discharge medicines to their community pharmacy, so the review happens.", "2027-03-31", 100},
			},
			professions: []string{"Hospital pharmacist", "Clinical pharmacist", "Pharmacy technician", "Chief pharmacist", "Mental health pharmacist"},
			sectors:     []string{"NHS provider"}, orgShare: 0.85, freeShare: 0.1,
			freeOrgs:  []string{"Independent hospital pharmacy", "Community hospital"},
			returning: []string{"hospital-pharmacists"},
			whyStart: []string{
				"We cut antipsychotic prescribing in The Right Prescription and I want to keep going.",
				"Delirium is too often treated with sedation.",
				"Discharge is where medicines go wrong.",
				"I audit our wards and the same problems keep coming back.",
			},
			whyEnd: []string{
				"We can stop this at the hospital door.",
				"Good handover is good care.",
				"It takes two minutes and it matters for years.",
			},
		},
		{
			slug: "hospital-and-system-leaders", name: "Hospital and system leaders", target: 150, weight: 0.13,
			description: "Trust board members, dementia leads and the integrated care boards and councils that plan local care.",
			goal:        "Every acute trust in our systems will have a board-level lead for dementia care and will report on it every quarter.",
			actions: []actionSpec{
				{"Name a board-level lead for dementia care",
					"Agree which board member answers for the care of people with dementia in your hospitals.", "2026-03-31", 80},
				{"Report on dementia care to your board every quarter",
					"Bring the figures that matter to your board each quarter: falls, moves at night, length of stay and what families say.", "2026-12-31", 60},
				{"Fund a dementia-friendly ward environment",
					"Invest in clocks, signs, lighting and quiet spaces that help people with dementia find their way and feel safe.", "2027-03-31", 40},
			},
			professions: []string{"Director of nursing", "Medical director", "Trust dementia lead", "Deputy chief nurse", "Non-executive director",
				"Commissioning manager", "Medicines optimisation lead", "Clinical lead for dementia", "Commissioning pharmacist", "Public health consultant"},
			sectors: []string{"NHS provider", "NHS commissioner", "Local authority"}, orgShare: 0.9, freeShare: 0.1,
			freeOrgs:  []string{"Provider collaborative", "Place-based partnership"},
			returning: []string{"commissioners"},
			whyStart: []string{
				"Our board talks about dementia once a year, if that.",
				"What gets measured at board level gets done.",
				"We proved with The Right Prescription that a call to action can shift a whole system.",
				"People with dementia spend longer in our hospitals than anyone else.",
			},
			whyEnd: []string{
				"Leaders have to own this.",
				"I want our system to lead the way.",
				"Good care is also good use of NHS resources.",
			},
		},
	},
}

const rightCareStory = `When someone with dementia goes into hospital, everything familiar is taken away at once: their home, their routine, the faces they know. Too often they leave less able than when they came in. They are moved between wards at night, they stop eating because no one helps them, they become frightened and are called "challenging", and families are sent home at the end of visiting time.

It does not have to be like this. The people who built The Right Prescription showed that when families, pharmacists, care staff, prescribers and leaders each set their own goal and keep their promises to each other, things change. Many of them are here again, and they are inviting the people who work on our hospital wards to join them.

The Right Care asks five groups, people living with dementia, carers and families, ward staff, hospital pharmacists, and hospital and system leaders, to make specific promises about hospital care, each with a "by when". Every promise is small. Together they add up to hospitals where people with dementia are known, safe and home again soon.

About this demonstration: The Right Care is based on a real NHS call to action that followed The Right Prescription. In this demonstration its dates are invented (2025 to 2027), and all the people, organisations, pledges, goals and targets shown are made up for illustration.`
