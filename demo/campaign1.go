package demo

import (
	"math"

	"github.com/groundswell-health/groundswell"
)

// The Right Prescription: the main demo campaign. Based on NHS England's
// 2011–12 call to action, with its dates moved to 2019–2021 so that it sits
// beside a real national data series. Goals, actions, targets and people are
// invented.
var rightPrescription = campaignSpec{
	campaign: groundswell.Campaign{
		Slug:  CampaignSlug,
		Title: "The Right Prescription",
		Purpose: "Reduce the inappropriate prescribing of antipsychotic medicines to people living with dementia, " +
			"by making sure everyone who is prescribed one has it reviewed, with them and the people who care for them.",
		Story:    rightPrescriptionStory,
		StartsOn: groundswell.MustDate("2019-10-01"), EndsOn: groundswell.MustDate("2021-12-31"),
		Status: groundswell.CampaignClosed, Illustrative: true,
		CreatedAt: at("2019-07-15", 10), UpdatedAt: at("2022-01-14", 16),
	},
	pledgeFrom: groundswell.MustDate("2019-10-01"),
	pledgeTo:   groundswell.MustDate("2021-03-31"),
	pledgeDay: func(day int, d groundswell.Date) float64 {
		w := 0.35 + 12*math.Exp(-float64(day)/12) + 1.8*math.Exp(-float64(day)/120)
		if !d.Before(groundswell.MustDate("2020-03-23")) && d.Before(groundswell.MustDate("2020-07-01")) {
			w *= 0.45 // COVID-19: first lockdown
		}
		w += bump(day, 123, 1.2, 5) // first deadline, end of January 2020
		w += bump(day, 408, 2.5, 6) // national summit, November 2020
		return w
	},
	pledges: []float64{47, 32, 21},
	milestones: []groundswell.Milestone{
		{Title: "Launch of the call to action", On: groundswell.MustDate("2019-10-01"),
			Description: "The call to action is launched with partners from across the alliance. Eight groups set out their own goals and actions."},
		{Title: "First deadline: searches and lists complete", On: groundswell.MustDate("2020-01-31"),
			Description: "Practices, pharmacies and care homes aim to have listed everyone with dementia who is prescribed an antipsychotic."},
		{Title: "COVID-19: face-to-face reviews paused", On: groundswell.MustDate("2020-03-23"),
			Description: "The first national lockdown. Routine face-to-face reviews pause and care homes close to visitors; groups move their work online and push back some deadlines."},
		{Title: "National summit (online)", On: groundswell.MustDate("2020-11-12"),
			Description: "Group leads, partners and people with lived experience share what has worked, and recommit for the year ahead."},
		{Title: "Pledging closes", On: groundswell.MustDate("2021-03-31"),
			Description: "The last day for new pledges. Groups follow up with everyone who pledged and ask them to report back."},
		{Title: "Call to action closes", On: groundswell.MustDate("2021-12-31"),
			Description: "The call to action ends. Its relationships and commitments carry on into The Right Care."},
	},
	groups: []groupSpec{
		{
			slug: "people-living-with-dementia", name: "People living with dementia", target: 300, weight: 0.07,
			description: "People who have a diagnosis of dementia, speaking for themselves.",
			goal:        "We want every one of us who is given an antipsychotic to know why, to be asked what we want, and to have it looked at again.",
			actions: []actionSpec{
				{"Ask for a review of your medicines at your next appointment",
					"Ask your GP or pharmacist to look at every medicine you take, and ask: what is this for, and can I stop it?", "2020-06-30", 250},
				{"Share your story about antipsychotic medicines",
					"Tell us, in your own words, what taking or stopping an antipsychotic was like. With your permission we will share it with the other groups.", "2020-12-31", 80},
				{"Join a local dementia voices group",
					"Meet other people living with dementia to speak up together about how services treat us.", "2021-06-30", 120},
			},
			professions: []string{"Person living with dementia"},
			sectors:     []string{"Voluntary and community"}, orgShare: 0.3,
			whyStart: []string{
				"I was put on a tablet to calm me and I lost a whole summer.",
				"Nobody told me what my new medicine was for.",
				"I have dementia, but I can still have a say in my own treatment.",
				"My memory is going but my opinions are not.",
				"I felt like a zombie on those tablets.",
				"I want to be asked, not just given something.",
			},
			whyEnd: []string{
				"Other people should not have to go through that.",
				"Ask us first.",
				"I want to help other people like me.",
				"It matters to me and to my family.",
			},
		},
		{
			slug: "carers", name: "Carers", target: 1000, weight: 0.22,
			description: "Family members and friends who care for someone living with dementia.",
			goal:        "We will ask the question every time: why is the person I care for on this medicine, and when will it be reviewed?",
			actions: []actionSpec{
				{"Ask \"why this medicine?\" about the person you care for",
					"At the next appointment or visit, ask the GP, nurse or care home why an antipsychotic was prescribed and when it will be reviewed.", "2020-03-31", 700},
				{"Tell the care team what calms and comforts them",
					"Write a one-page \"about me\" profile: what the person enjoys, what upsets them and what helps. Give a copy to the care home or ward.", "2020-09-30", 450},
				{"Invite another carer to take part",
					"Share your invite link with another family carer, at a support group, at the school gate or online.", "2021-06-30", 300},
			},
			professions: []string{"Family carer", "Carer", "Unpaid carer", "Former carer"},
			sectors:     []string{"Voluntary and community"}, orgShare: 0.3,
			whyStart: []string{
				"My dad was given risperidone in his care home and stopped talking to us.",
				"Mum was so drowsy on her tablets she couldn't hold a cup of tea.",
				"I never knew I could ask why my husband was on this medicine.",
				"My wife came home from hospital on a new tablet nobody explained.",
				"My nan fell twice in a month after her dose went up.",
				"When Dad's medicine was stopped, we got him back.",
				"I cared for my mum for eight years and wish I had known this sooner.",
			},
			whyEnd: []string{
				"I want other families to know they can ask.",
				"Asking one question changed everything for us.",
				"No one should lose the person they love to a sedative.",
				"I'm doing this for him, and for the next family.",
				"Carers know the person best.",
			},
		},
		{
			slug: "voluntary-organisations", name: "Voluntary organisations", target: 500, weight: 0.08,
			description: "Staff and volunteers of charities and community groups that support people with dementia and their carers.",
			goal:        "We will make sure every family we support knows the risks of antipsychotics and how to ask for a review.",
			actions: []actionSpec{
				{"Put the call to action in front of every family you support",
					"Share the leaflet and the \"why this medicine?\" question in newsletters, helplines and support groups.", "2020-03-31", 250},
				{"Run a carers' session on medicines and distress",
					"Hold a session, in person or online, on why distress happens and what helps besides medicine.", "2020-12-31", 150},
				{"Train volunteers to signpost people to a medicines review",
					"Make sure every volunteer knows how a family can ask for a review and who to ask.", "2021-06-30", 120},
			},
			professions: []string{"Dementia support worker", "Volunteer", "Dementia adviser", "Charity manager", "Carers' support worker", "Community development worker"},
			sectors:     []string{"Voluntary and community"}, orgShare: 0.75, freeShare: 0.2,
			freeOrgs: []string{"Wednesday Memory Café", "Singing for the Brain group", "Dementia carers' support group", "Church dementia café", "Community dementia friendly group", "Local carers' centre"},
			whyStart: []string{
				"Families ring our helpline every week worried about a new tablet.",
				"I run a memory café and hear the same story again and again.",
				"We see the difference a review makes.",
				"Our volunteers are often the first people carers confide in.",
				"Half the carers in our group had never heard of a medicines review.",
			},
			whyEnd: []string{
				"We can reach people the NHS can't.",
				"Knowledge is power for carers.",
				"This is exactly what we exist for.",
				"Together we can change this.",
			},
		},
		{
			slug: "community-pharmacists", name: "Community pharmacists", target: 600, weight: 0.13,
			description: "Pharmacists and pharmacy teams working in community pharmacies.",
			goal:        "Working with prescribers, we will review everyone in our care who is prescribed an antipsychotic for dementia.",
			actions: []actionSpec{
				{"Identify everyone with dementia on an antipsychotic in your pharmacy",
					"Search your patient medication records and list everyone with dementia who collects an antipsychotic, including those in care homes you supply.", "2020-01-31", 500},
				{"Review each person with their prescriber",
					"For each person on your list, agree a review with their GP or prescriber, and record the outcome.", "2020-09-30", 450},
				{"Talk with carers when they collect the prescription",
					"Use the moment of collection to ask carers how the person is, and whether anyone has explained the medicine.", "2021-06-30", 300},
			},
			professions: []string{"Community pharmacist", "Pharmacy technician", "Pharmacist manager", "Locum pharmacist", "Pharmacy dispenser"},
			sectors:     []string{"Community pharmacy"}, orgShare: 0.65, freeShare: 0.3,
			freeOrgs: []string{"High Street Pharmacy", "Station Road Chemist", "Parade Pharmacy", "Village Pharmacy", "Health Centre Pharmacy", "Market Square Chemists"},
			whyStart: []string{
				"We dispense these medicines every week and rarely know why they were started.",
				"I supply four care homes and the same antipsychotics repeat month after month.",
				"A review I did with a GP got a lady back on her feet.",
				"Pharmacists are the medicines experts and we should be in the room.",
				"A carer once asked me what the tablets were for and I couldn't tell her.",
			},
			whyEnd: []string{
				"Every repeat is a chance to ask the question.",
				"It's why I became a pharmacist.",
				"We see these people more often than anyone.",
				"Small checks save lives.",
			},
		},
		{
			slug: "hospital-pharmacists", name: "Hospital pharmacists", target: 350, weight: 0.08,
			description: "Pharmacists and pharmacy teams in acute, community and mental health trusts.",
			goal:        "We will check every inpatient with dementia who is on an antipsychotic, and make sure the reason and a review date go with them when they leave.",
			actions: []actionSpec{
				{"Check antipsychotics on admission for every patient with dementia",
					"At medicines reconciliation, flag any antipsychotic for a patient with dementia and ask the team why it is needed.", "2020-03-31", 300},
				{"Put the reason and a review date on every discharge letter",
					"No one with dementia goes home on an antipsychotic without the reason and the date it should be reviewed written down.", "2020-12-31", 250},
				{"Audit your wards and share the results",
					"Run a point-prevalence audit on your wards and share the results with your trust and the group.", "2021-06-30", 120},
			},
			professions: []string{"Hospital pharmacist", "Clinical pharmacist", "Pharmacy technician", "Chief pharmacist", "Mental health pharmacist"},
			sectors:     []string{"NHS provider"}, orgShare: 0.85, freeShare: 0.1,
			freeOrgs: []string{"Independent hospital pharmacy", "Community hospital"},
			whyStart: []string{
				"Patients with dementia come in on antipsychotics started years ago with no reason recorded.",
				"Too many people leave hospital on a new antipsychotic that was meant for one bad night.",
				"I've seen delirium treated with sedation instead of care.",
				"A clear discharge letter protects the patient long after they leave us.",
			},
			whyEnd: []string{
				"We can stop this at the hospital door.",
				"It takes two minutes and it matters for years.",
				"Good handover is good care.",
				"I want our trust to lead on this.",
			},
		},
		{
			slug: "care-home-leaders", name: "Care home leaders", target: 1000, weight: 0.15,
			description: "Managers, deputies, nurses and senior carers who lead care homes.",
			goal:        "Every resident on an antipsychotic will have a review and a personal plan for distress that does not rely on medicine.",
			actions: []actionSpec{
				{"List every resident on an antipsychotic and ask for a review",
					"Go through your medicines records, list every resident prescribed an antipsychotic and ask their GP for a review.", "2020-02-29", 500},
				{"Train staff in non-drug approaches to distress",
					"Make sure every member of staff has had training in understanding and responding to distress without medicine.", "2020-12-31", 500},
				{"Agree a personal care plan with each family",
					"Sit down with each resident's family to agree what helps, what to avoid, and when to ask for help.", "2021-03-31", 300},
				{"Hold a monthly medicines round with the GP and pharmacist",
					"Set a regular time when the GP, pharmacist and care team look at residents' medicines together.", "2021-09-30", 200},
			},
			professions: []string{"Care home manager", "Deputy manager", "Registered nurse", "Senior carer", "Care home owner", "Clinical lead"},
			sectors:     []string{"Care home"}, orgShare: 0.55, freeShare: 0.4,
			freeOrgs: []string{"Rosewood House", "Meadowbank Lodge", "The Beeches", "Willow Court", "Oakfield Nursing Home", "Hillside Residential Home", "Cedar Lodge", "The Laurels", "Orchard House", "Brookside Care Home"},
			whyStart: []string{
				"Our residents deserve to be themselves, not sedated.",
				"We reduced antipsychotics in our home and the lounge came alive again.",
				"My staff want to understand distress, not just manage it.",
				"One of our residents started singing again after her tablets were stopped.",
				"Families trust us with the people they love.",
			},
			whyEnd: []string{
				"It's about dignity.",
				"I want our home to be the kind of place I'd choose for my own mum.",
				"We can't do it without the GP and pharmacist.",
				"Good care is personal.",
			},
		},
		{
			slug: "gps-and-prescribers", name: "GPs and prescribers", target: 1500, weight: 0.20,
			description: "GPs, old age psychiatrists, nurse and pharmacist prescribers.",
			goal:        "We will review every patient with dementia who is prescribed an antipsychotic, and stop or reduce it where it is safe to.",
			actions: []actionSpec{
				{"Search your practice list for patients with dementia on antipsychotics",
					"Run the practice search and make a list, so nobody is missed.", "2019-12-31", 900},
				{"Review every patient with the pharmacist and the family",
					"See each patient on your list, with their family or carer, and agree whether to stop, reduce or continue.", "2020-09-30", 900},
				{"Record the reason and a review date on every new prescription",
					"When you do prescribe, write down why, for how long, and when it will be looked at again.", "2021-03-31", 600},
				{"Share what worked at a practice learning event",
					"Tell colleagues in your network or federation how you did it, what got in the way and what helped.", "2021-09-30", 200},
			},
			professions: []string{"GP", "GP partner", "Salaried GP", "Nurse prescriber", "Pharmacist prescriber", "Old age psychiatrist", "Advanced nurse practitioner", "Practice pharmacist"},
			sectors:     []string{"General practice", "NHS provider"}, orgShare: 0.7, freeShare: 0.25,
			freeOrgs: []string{"Riverside Surgery", "Park View Medical Centre", "Church Street Practice", "The Health Centre", "Valley Medical Group", "Castle Surgery", "Market Street Surgery", "Old School Surgery"},
			whyStart: []string{
				"I inherited a list of patients on antipsychotics nobody had reviewed.",
				"I've seen what these drugs do to frail people.",
				"Stopping is often harder than starting, and it's our job.",
				"A family thanked me for giving them their dad back after we stopped his risperidone.",
				"Prescribing is easy; reviewing takes time, and it's worth it.",
			},
			whyEnd: []string{
				"First, do no harm.",
				"It's the right thing to do for our patients.",
				"We can't do it alone: pharmacists and families make the difference.",
				"I want my practice to get this right.",
			},
		},
		{
			slug: "commissioners", name: "Commissioners", target: 250, weight: 0.07,
			description: "People who plan and pay for local services: clinical commissioning groups and councils.",
			goal:        "We will make reviewing antipsychotics for people with dementia part of how every local system works.",
			actions: []actionSpec{
				{"Name an accountable lead in your area",
					"Agree one named person who answers for antipsychotic prescribing in dementia locally.", "2020-03-31", 120},
				{"Share prescribing data with practices and care homes every quarter",
					"Send each practice and care home its own figures, with the local and national picture.", "2020-12-31", 100},
				{"Commission a care home medicines review service",
					"Make regular medicines reviews in care homes part of what you commission.", "2021-09-30", 60},
			},
			professions: []string{"Commissioning manager", "Medicines optimisation lead", "Clinical lead for dementia", "Commissioning pharmacist", "Public health consultant"},
			sectors:     []string{"NHS commissioner", "Local authority"}, orgShare: 0.9, freeShare: 0.1,
			freeOrgs: []string{"Commissioning support unit", "Joint commissioning team"},
			whyStart: []string{
				"We pay for these services, so we share the responsibility.",
				"Our data showed some care homes far above the rest.",
				"Commissioners can make the right thing the easy thing.",
				"Local systems move when someone is accountable.",
			},
			whyEnd: []string{
				"Data without action changes nothing.",
				"I want our area to lead the way.",
				"This is what good commissioning looks like.",
			},
		},
	},
}

const rightPrescriptionStory = `Imagine your mum, who has lived with dementia for three years, moves into a care home. She is frightened and unsettled, and within a few weeks she is started on an antipsychotic to calm her. A month later she sleeps most of the day. She no longer chats to the carers she had grown fond of, she has fallen twice, and the spark you knew has gone. Nobody asked you, and nobody set a date to look at the medicine again.

For a few people, for a short time, an antipsychotic is the right prescription. For many it is not. These medicines raise the risk of stroke and of early death in people with dementia, and they can take away the very things that make life worth living: conversation, appetite, a walk in the garden, recognising a grandchild.

This is not a story about bad doctors or bad care homes. It is about all of us: families who did not know they could ask, care staff with no other way to help someone in distress, pharmacists dispensing a repeat, prescribers who inherited a prescription, commissioners who never saw the figures. It is "us and us", not "us and them", and every one of us can do something.

So eight groups of people have come together: people living with dementia, carers, voluntary organisations, community pharmacists, hospital pharmacists, care home leaders, GPs and prescribers, and commissioners. Each group has set its own goal and the specific actions it asks of its people, each with a "by when". We are not asking you to comply with a guideline. We are asking you to make a promise to the people you care for, and to invite a colleague, a friend or a neighbour to do the same.

About this demonstration: The Right Prescription is based on a real NHS call to action that ran in 2011 and 2012. Here its dates have been moved to 2019 to 2021 so that it sits beside a real, recent national data series. All the people, organisations, pledges, goals, targets and regional figures shown are invented for illustration. Only the England series of the outcome measure is real data, and it comes with important caveats, shown with the measure.`
