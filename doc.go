// Package groundswell holds the domain of a call to action for large-scale
// change in health and care: campaigns, stakeholder groups that set their own
// goals, the actions they ask of people, the commitments people make, and the
// relationships those commitments build.
//
// This package imports nothing of the rest of the program. Storage lives in
// store/, HTTP in web/, the demo data set in demo/, and main in
// cmd/groundswell; data flows one way, from the edges to the domain and down to
// the store.
package groundswell
