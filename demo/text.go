package demo

// Sentences from which partner organisations' action plans are composed, by
// sector. plans1 is for The Right Prescription, plans2 for The Right Care.
var plans1 = map[string][]string{
	"NHS provider": {
		"Our pharmacists will check antipsychotics for every patient with dementia at admission.",
		"Every discharge letter for a patient with dementia on an antipsychotic will give the reason and a review date.",
		"We will train ward and community teams in understanding distress, so that medicine is not the first answer.",
	},
	"NHS commissioner": {
		"We will send every practice and care home its own antipsychotic prescribing figures each quarter.",
		"We will name a clinical lead who answers for antipsychotic prescribing in dementia across our area.",
		"We will commission regular medicines reviews in every care home we fund.",
	},
	"General practice": {
		"Every patient with dementia on an antipsychotic will be reviewed by a GP and our practice pharmacist.",
		"We will invite families to every review and record the reason for any antipsychotic we continue.",
		"We will run our practice search every quarter so that nobody is missed.",
	},
	"Community pharmacy": {
		"We will identify everyone with dementia on an antipsychotic that we dispense for, and agree a review with their GP.",
		"Our team will ask carers collecting prescriptions whether anyone has explained the medicine.",
		"We will support the care homes we supply to list every resident on an antipsychotic.",
	},
	"Care home": {
		"Every resident on an antipsychotic will have a review with their GP.",
		"All our staff will be trained in non-drug approaches to distress within a year.",
		"We will agree a personal care plan with each resident's family.",
	},
	"Voluntary and community": {
		"We will share the call to action with every family we support.",
		"We will run carers' sessions on medicines and distress in each of our groups.",
		"Our volunteers will help families ask for a medicines review.",
	},
	"Professional body": {
		"We will promote the call to action to our members and publish guidance on reviewing antipsychotics in dementia.",
		"We will run webinars for members on safely reducing antipsychotics.",
		"We will ask members to pledge and share what they learn.",
	},
	"Local authority": {
		"We will include antipsychotic reviews in the quality framework for the care homes we commission.",
		"We will fund training in non-drug approaches to distress for care home staff.",
		"We will share the call to action with carers through our carers' services.",
	},
	"Other": {
		"We will host learning events for local teams taking part.",
		"We will gather what patients and families tell us about antipsychotic prescribing and share it with local services.",
		"We will help local teams measure their progress.",
	},
}

var plans2 = map[string][]string{
	"NHS provider": {
		"We will name a board-level lead for dementia care and report to our board every quarter.",
		"Every ward will use the person's \"about me\" passport at handover.",
		"We will welcome carers at any time on all our adult wards.",
	},
	"NHS commissioner": {
		"We will make hospital care for people with dementia a priority in our joint forward plan.",
		"We will report progress on dementia care in hospital to our integrated care partnership twice a year.",
		"We will fund dementia specialist nurses in each of our acute trusts.",
	},
	"General practice": {
		"We will send an \"about me\" summary with every patient with dementia who is admitted to hospital.",
		"We will review medicines within two weeks of discharge for every patient with dementia.",
	},
	"Community pharmacy": {
		"We will follow up within a week everyone with dementia discharged on a new antipsychotic.",
		"We will check discharge medicines with carers when they collect them.",
	},
	"Care home": {
		"Each resident's \"about me\" profile will go with them whenever they go into hospital.",
		"We will agree with our local hospital how residents are welcomed back home.",
	},
	"Voluntary and community": {
		"Our volunteers will support families on hospital wards.",
		"We will recruit carers to hospital dementia carers' panels.",
		"We will help families prepare an \"about me\" profile before a planned admission.",
	},
	"Professional body": {
		"We will share the call to action with our members working in acute hospitals and publish good practice.",
		"We will include dementia care in hospital in our continuing professional development programme.",
	},
	"Local authority": {
		"We will work with hospitals to get people with dementia home safely and soon, with care ready on the day.",
		"We will support carers while the person they care for is in hospital.",
	},
	"Other": {
		"We will gather what patients and families say about hospital care and share it with trusts.",
		"We will host learning events for ward teams.",
	},
}

var planClosers = []string{
	"We will report our progress to the alliance every six months.",
	"Our chief executive has signed this plan.",
	"We will share what we learn with other members.",
}

// Names: varied first names and surnames from across the UK.
var firstNames = []string{
	"Olivia", "Amelia", "Isla", "Ava", "Mia", "Grace", "Sophie", "Emily", "Lily", "Freya",
	"Poppy", "Ella", "Evie", "Charlotte", "Ruby", "Chloe", "Hannah", "Sarah", "Rachel", "Claire",
	"Helen", "Joanne", "Karen", "Susan", "Margaret", "Patricia", "Janet", "Linda", "Deborah", "Julie",
	"Siobhan", "Niamh", "Aoife", "Eilidh", "Catriona", "Rhiannon", "Cerys", "Bethan", "Sian", "Megan",
	"Priya", "Anjali", "Sunita", "Aisha", "Fatima", "Zainab", "Amina", "Nadia", "Yasmin", "Mei",
	"Ngozi", "Chiamaka", "Adaeze", "Abena", "Grace-Ann", "Agnieszka", "Katarzyna", "Ioana", "Elena", "Maria",
	"Oliver", "George", "Harry", "Jack", "Noah", "Charlie", "Thomas", "James", "William", "Daniel",
	"David", "John", "Michael", "Paul", "Mark", "Andrew", "Stephen", "Peter", "Richard", "Robert",
	"Callum", "Ewan", "Fraser", "Hamish", "Rhys", "Dylan", "Gareth", "Owen", "Ciaran", "Declan",
	"Mohammed", "Ahmed", "Omar", "Yusuf", "Imran", "Rajesh", "Sanjay", "Arjun", "Vikram", "Wei",
	"Oluwaseun", "Chinedu", "Kwame", "Kofi", "Tunde", "Piotr", "Tomasz", "Andrei", "Luca", "Mateo",
}

var surnames = []string{
	"Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "Wilson", "Thomas", "Johnson",
	"Roberts", "Robinson", "Thompson", "Wright", "Walker", "White", "Edwards", "Hughes", "Green", "Hall",
	"Lewis", "Harris", "Clarke", "Patel", "Jackson", "Wood", "Turner", "Martin", "Cooper", "Hill",
	"Ward", "Morris", "Moore", "Clark", "Lee", "King", "Baker", "Harrison", "Morgan", "Allen",
	"James", "Scott", "Phillips", "Watson", "Davis", "Parker", "Price", "Bennett", "Young", "Griffiths",
	"Mitchell", "Kelly", "Cook", "Carter", "Richardson", "Bailey", "Collins", "Bell", "Shaw", "Murphy",
	"Campbell", "Stewart", "MacDonald", "Fraser", "Reid", "Murray", "O'Brien", "O'Neill", "Byrne", "Doyle",
	"Khan", "Ahmed", "Hussain", "Ali", "Begum", "Shah", "Singh", "Kaur", "Sharma", "Gupta",
	"Okafor", "Adeyemi", "Mensah", "Owusu", "Okonkwo", "Nowak", "Kowalski", "Wiśniewski", "Popescu", "Rossi",
	"Chen", "Wong", "Nguyen", "Lloyd", "Pritchard", "Llewellyn", "Ferguson", "Quinn", "Gallagher", "Ashworth",
}
