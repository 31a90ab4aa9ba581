"""Demo data for ``manage.py load_demo``: a realistic Conference of England LMCs.

Plain constants only; the command in ``desk/management/commands/load_demo.py``
turns them into rows. Every name here is a natural key: change it and a second run
creates a new row rather than renaming the old one.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac

CONFERENCE = {
    "slug": "england-2026",
    "name": "Conference of England LMCs 2026",
    # starts_on: the loader sets it to the day it runs, so the sittings, their timers and
    # the projector's "coming next" are live in a demo (the sittings below are on its days).
    "venue": "Friends House, Euston Road, London",
}
# The body the demo conference refers motions to (its standing orders name it).
NEGOTIATING_BODY = "GPC England"

# (name, seats): seats roughly follow the size of the area; about 300 in all.
LMCS: list[tuple[str, int]] = [
    ("Avon LMC", 5),
    ("Barking Havering and Redbridge LMC", 3),
    ("Barnet LMC", 2),
    ("Barnsley LMC", 2),
    ("Bedfordshire LMC", 3),
    ("Berkshire Buckinghamshire and Oxfordshire LMCs", 8),
    ("Bexley LMC", 1),
    ("Birmingham LMC", 6),
    ("Bolton LMC", 2),
    ("Bradford and Airedale LMC", 3),
    ("Brent LMC", 2),
    ("Bromley LMC", 2),
    ("Bury LMC", 1),
    ("Calderdale LMC", 2),
    ("Cambridgeshire LMC", 4),
    ("Camden LMC", 2),
    ("Cheshire LMC", 4),
    ("City and Hackney LMC", 2),
    ("Cleveland LMC", 3),
    ("Cornwall and Isles of Scilly LMC", 3),
    ("County Durham and Darlington LMC", 3),
    ("Coventry LMC", 3),
    ("Croydon LMC", 2),
    ("Cumbria LMC", 3),
    ("Derbyshire LMC", 4),
    ("Devon LMC", 5),
    ("Doncaster LMC", 3),
    ("Dorset LMC", 3),
    ("Dudley LMC", 2),
    ("Ealing Hammersmith and Hounslow LMC", 3),
    ("East Lancashire LMC", 3),
    ("East Sussex LMC", 3),
    ("Enfield LMC", 2),
    ("Essex LMCs", 7),
    ("Gateshead and South Tyneside LMC", 3),
    ("Gloucestershire LMC", 3),
    ("Greenwich LMC", 2),
    ("Haringey LMC", 2),
    ("Harrow LMC", 1),
    ("Herefordshire LMC", 2),
    ("Hertfordshire LMC", 5),
    ("Heywood Middleton and Rochdale LMC", 2),
    ("Hillingdon LMC", 2),
    ("Hull and East Yorkshire LMC", 3),
    ("Isle of Wight LMC", 1),
    ("Islington LMC", 2),
    ("Kensington Chelsea and Westminster LMC", 3),
    ("Kent LMC", 8),
    ("Kingston and Richmond LMC", 2),
    ("Kirklees LMC", 3),
    ("Lambeth LMC", 3),
    ("Lancashire Coastal LMC", 3),
    ("Leeds LMC", 4),
    ("Leicester Leicestershire and Rutland LMC", 4),
    ("Lewisham LMC", 2),
    ("Lincolnshire LMC", 4),
    ("Liverpool LMC", 3),
    ("Londonwide LMCs", 10),
    ("Manchester LMC", 4),
    ("Merton Sutton and Wandsworth LMC", 3),
    ("Mid Mersey LMC", 3),
    ("Morecambe Bay LMC", 2),
    ("Newcastle and North Tyneside LMC", 3),
    ("Newham LMC", 2),
    ("Norfolk and Waveney LMC", 5),
    ("North East Lincolnshire LMC", 1),
    ("North Lincolnshire LMC", 1),
    ("North Staffordshire LMC", 3),
    ("North Yorkshire LMC", 4),
    ("Northamptonshire LMC", 3),
    ("Northumberland LMC", 2),
    ("Nottinghamshire LMC", 5),
    ("Oldham LMC", 2),
    ("Rotherham LMC", 2),
    ("Salford LMC", 2),
    ("Sandwell LMC", 2),
    ("Sefton LMC", 2),
    ("Sheffield LMC", 4),
    ("Shropshire LMC", 3),
    ("Solihull LMC", 1),
    ("Somerset LMC", 3),
    ("South Staffordshire LMC", 3),
    ("Southwark LMC", 3),
    ("Stockport LMC", 2),
    ("Suffolk LMC", 3),
    ("Sunderland LMC", 2),
    ("Surrey LMC", 4),
    ("Tameside and Glossop LMC", 2),
    ("Tower Hamlets LMC", 2),
    ("Trafford LMC", 2),
    ("Wakefield LMC", 3),
    ("Walsall LMC", 2),
    ("Waltham Forest LMC", 2),
    ("Warwickshire LMC", 3),
    ("Wessex LMCs", 8),
    ("West Sussex LMC", 3),
    ("Wigan LMC", 2),
    ("Wirral LMC", 3),
    ("Wolverhampton LMC", 2),
    ("Worcestershire LMC", 3),
]

# Representatives' names: seat number i (0-based, across the whole list above) is
# "Dr FIRST_NAMES[(i * 17) % 53] SURNAMES[(i * 23) % 61]". 53 and 61 are prime and
# coprime with their multipliers, so the first 53 * 61 = 3233 names are all different.
FIRST_NAMES: list[str] = [
    "Priya",
    "James",
    "Aisha",
    "Thomas",
    "Helen",
    "Rajesh",
    "Sarah",
    "David",
    "Fatima",
    "Michael",
    "Rachel",
    "Oluwaseun",
    "Catherine",
    "Mark",
    "Nadia",
    "Richard",
    "Emma",
    "Imran",
    "Lucy",
    "Andrew",
    "Chloe",
    "Kwame",
    "Joanna",
    "Peter",
    "Sunita",
    "Jonathan",
    "Bethan",
    "Hamza",
    "Claire",
    "Simon",
    "Anjali",
    "Gareth",
    "Eleanor",
    "Tariq",
    "Sophie",
    "Christopher",
    "Zainab",
    "Robert",
    "Hannah",
    "Vikram",
    "Louise",
    "Daniel",
    "Mei",
    "Stephen",
    "Amara",
    "Paul",
    "Victoria",
    "Yusuf",
    "Kate",
    "Neil",
    "Deepa",
    "Martin",
    "Grace",
]
SURNAMES: list[str] = [
    "Shah",
    "Taylor",
    "Khan",
    "Williams",
    "Patel",
    "Jones",
    "Okafor",
    "Brown",
    "Ahmed",
    "Davies",
    "Evans",
    "Chowdhury",
    "Wilson",
    "Thomas",
    "Roberts",
    "Hussain",
    "Johnson",
    "Walker",
    "Wright",
    "Robinson",
    "Thompson",
    "Begum",
    "White",
    "Hughes",
    "Edwards",
    "Green",
    "Mensah",
    "Hall",
    "Wood",
    "Harris",
    "Lewis",
    "Martin",
    "Jackson",
    "Clarke",
    "Clark",
    "Turner",
    "Hill",
    "Scott",
    "Cooper",
    "Morris",
    "Ward",
    "Moore",
    "King",
    "Watson",
    "Baker",
    "Nwosu",
    "Harrison",
    "Morgan",
    "Patterson",
    "Young",
    "Mahmood",
    "Allen",
    "Mitchell",
    "Sharma",
    "Kelly",
    "Bell",
    "Adeyemi",
    "Chen",
    "Fletcher",
    "Gill",
    "Kaur",
]
FIRST_STEP, SURNAME_STEP = 17, 23


def representative_name(i: int) -> str:
    first = FIRST_NAMES[(i * FIRST_STEP) % len(FIRST_NAMES)]
    surname = SURNAMES[(i * SURNAME_STEP) % len(SURNAMES)]
    return f"Dr {first} {surname}"


def demo_access_code(slug: str, lmc: str, name: str) -> str:
    """The demo's code for a representative: derived from SECRET_KEY, the conference and the
    person, so every run of ``load_demo`` on the same database prints (and sets) the same
    codes. For the demo only: a real conference's codes are random (conference.codes), and
    anyone with SECRET_KEY can work these out."""
    from django.conf import settings

    from conference.codes import code_from_bytes

    message = "\x1f".join(("motionhall/demo-access-code/v1", slug, lmc, name)).encode()
    return code_from_bytes(hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).digest())


# Staff: each gets a Django user (is_staff) and a Representative linked to it.
# Password "demo-<username>-2026", set only when the user is first created.
STAFF: list[dict] = [
    {"username": "chair", "name": "Dr Farah Qadir", "role": "chair", "superuser": False},
    {"username": "deputy", "name": "Dr Owen Pritchard", "role": "chair", "superuser": False},
    {"username": "secretariat", "name": "Karen Holloway", "role": "secretariat", "superuser": True},
    {"username": "secretariat2", "name": "Daniel Osei", "role": "secretariat", "superuser": False},
]


def staff_password(username: str) -> str:
    return f"demo-{username}-2026"


# (title, order, day of the conference (0 = the first), starts, ends): local times. The titles
# name the conference's day, not a weekday: the demo's days are whichever days it is loaded.
SESSIONS: list[tuple[str, int, int, datetime.time, datetime.time]] = [
    ("Day one, morning", 1, 0, datetime.time(9, 30), datetime.time(12, 45)),
    ("Day one, afternoon", 2, 0, datetime.time(14, 0), datetime.time(17, 30)),
    ("Day two, morning", 3, 1, datetime.time(9, 30), datetime.time(12, 30)),
]

# (title, order, minutes, session)
SECTIONS: list[tuple[str, int, int, str]] = [
    ("The GP contract", 1, 75, "Day one, morning"),
    ("The partnership model", 2, 60, "Day one, morning"),
    ("Indemnity", 3, 30, "Day one, afternoon"),
    ("Workload and regulation", 4, 45, "Day one, afternoon"),
    ("Pay", 5, 40, "Day two, morning"),
]

# Categories are Motion.Category values: prioritised, A, AR, chosen, grey, incompetent.
MOTIONS: list[dict] = [
    # --- The GP contract ---------------------------------------------------------------
    {
        "number": 1,
        "section": "The GP contract",
        "proposer": "Cleveland LMC",
        "category": "prioritised",
        "title": "A wholesale new GMS contract",
        "text": (
            "That conference believes that a decade of piecemeal changes has left the GMS contract "
            "unfit for purpose, unable to sustain practices or to recruit and retain GPs, and mandates "
            "GPC England to negotiate a wholesale new GMS contract which delivers:"
        ),
        "parts": [
            ("i", "recurrent uplifts to the global sum that are at least above inflation"),
            ("ii", "multi-year deals, so that practices can plan their workforce and investment"),
            ("iii", "enhanced services whose prices are index-linked and reviewed every year"),
        ],
    },
    {
        "number": 2,
        "section": "The GP contract",
        "proposer": "Kensington Chelsea and Westminster LMC",
        "category": "prioritised",
        "title": "Abolish out-of-area registration",
        "text": (
            "That conference believes that the out-of-area registration clause in the GMS contract, "
            "which allowed GP at Hand to register tens of thousands of young and largely healthy "
            "patients far from where they live, has destabilised neighbouring practices and fragmented "
            "care, and calls on GPC England to negotiate the abolition of that clause."
        ),
    },
    {
        "number": 3,
        "section": "The GP contract",
        "proposer": "Londonwide LMCs",
        "category": "prioritised",
        "title": "Protect practices from formula changes for digital-first providers",
        "text": (
            "That conference demands that any change to the global-sum allocation formula made to "
            "accommodate digital-first providers must not reduce the funding of any existing practice, "
            "and that practices whose list profile is changed by such providers are protected by a "
            "recurrent funding floor."
        ),
    },
    {
        "number": 4,
        "section": "The GP contract",
        "proposer": "Wakefield LMC",
        "category": "prioritised",
        "title": "A local deal to end historic funding inequity",
        "text": (
            "That conference notes that as the Minimum Practice Income Guarantee is phased out many "
            "practices are left with funding that reflects historic accident rather than the needs of "
            "their patients, and calls on GPC England to secure the right of commissioners to offer a "
            "local PMS-style deal, open to every GMS practice, that ends historic funding inequity "
            "without reducing any practice's core income."
        ),
    },
    {
        "number": 5,
        "section": "The GP contract",
        "proposer": "Avon LMC",
        "category": "AR",
        "title": "Retire the Quality and Outcomes Framework",
        "text": (
            "That conference believes that the Quality and Outcomes Framework has outlived its "
            "usefulness and asks GPC England to seek its retirement, with all of its funding "
            "transferred recurrently into the global sum."
        ),
    },
    {
        "number": 6,
        "section": "The GP contract",
        "proposer": "Devon LMC",
        "category": "A",
        "title": "A single national contract",
        "text": (
            "That conference reaffirms its support for a single national GP contract negotiated by "
            "GPC England, and opposes any move to replace it with locally commissioned contracts."
        ),
    },
    {
        "number": 7,
        "section": "The GP contract",
        "proposer": "Berkshire Buckinghamshire and Oxfordshire LMCs",
        "category": "prioritised",
        "requires_two_thirds": True,
        "title": "Standing orders: a two-thirds majority to reject a contract offer",
        "text": (
            "That conference amends its standing orders so that a motion which would commit GPC England "
            "to reject a contract offer, or to ballot the profession on collective action, is carried "
            "only if two-thirds of the representatives voting vote in favour."
        ),
    },
    # --- The partnership model ---------------------------------------------------------
    {
        "number": 8,
        "section": "The partnership model",
        "proposer": "Wessex LMCs",
        "category": "prioritised",
        "title": "Implement the partnership review in full",
        "text": (
            "That conference believes that the independent contractor partnership model remains the "
            "most cost-effective way to deliver continuity of care, and calls on the government to "
            "implement the recommendations of the partnership review in full and without delay."
        ),
    },
    {
        "number": 9,
        "section": "The partnership model",
        "proposer": "Norfolk and Waveney LMC",
        "category": "chosen",
        "title": "End last-person-standing liability",
        "text": (
            "That conference demands that NHS England take on the premises and lease liabilities of "
            "GP partners, so that no partner is left personally liable as the last person standing "
            "when a practice closes or merges."
        ),
    },
    {
        "number": 10,
        "section": "The partnership model",
        "proposer": "Suffolk LMC",
        "category": "grey",
        "title": "Guidance for salaried GPs considering partnership",
        "text": (
            "That conference asks GPC England to publish practical guidance for salaried and locum GPs "
            "who are considering partnership, covering buy-in, premises, pensions and partnership "
            "agreements."
        ),
    },
    # --- Indemnity ---------------------------------------------------------------------
    {
        "number": 11,
        "section": "Indemnity",
        "proposer": "Nottinghamshire LMC",
        "category": "prioritised",
        "title": "Fund the state indemnity scheme with new money",
        "text": (
            "That conference welcomes the state-backed indemnity scheme for general practice but "
            "insists that it is funded entirely with new money, and not by top-slicing the global sum "
            "or by any other reduction of existing GP income."
        ),
    },
    {
        "number": 12,
        "section": "Indemnity",
        "proposer": "Hertfordshire LMC",
        "category": "AR",
        "title": "Indemnity for all NHS work",
        "text": (
            "That conference calls for the state-backed indemnity scheme to cover all NHS work done by "
            "GPs and their practice staff, including work commissioned by bodies other than NHS England."
        ),
    },
    {
        "number": 13,
        "section": "Indemnity",
        "proposer": "Surrey LMC",
        "category": "incompetent",
        "title": "Refunds from the medical defence organisations",
        "text": (
            "That conference instructs the medical defence organisations to refund to every GP the "
            "indemnity subscriptions paid since 2010."
        ),
    },
    # --- Workload and regulation -------------------------------------------------------
    {
        "number": 14,
        "section": "Workload and regulation",
        "proposer": "Lincolnshire LMC",
        "category": "prioritised",
        "title": "CQC inspections are an unnecessary burden",
        "text": (
            "That conference believes that CQC inspections of general practice are an unnecessary "
            "burden which divert clinical time from patients without improving their care, and calls "
            "on GPC England to seek an end to routine inspection of practices."
        ),
    },
    {
        "number": 15,
        "section": "Workload and regulation",
        "proposer": "Birmingham LMC",
        "category": "prioritised",
        "title": "A safe limit of 1,500 patients per GP",
        "text": (
            "That conference believes that safe general practice needs a limit on the number of "
            "patients each GP is responsible for, and calls on GPC England to negotiate a cap of 1,500 "
            "patients per full-time-equivalent GP, with the funding to let practices recruit to it."
        ),
    },
    {
        "number": 16,
        "section": "Workload and regulation",
        "proposer": "Sheffield LMC",
        "category": "A",
        "title": "Stop inappropriate workload transfer from hospitals",
        "text": (
            "That conference reaffirms that hospitals must not transfer work to general practice "
            "without agreement and funding, and calls on commissioners to enforce the NHS Standard "
            "Contract requirements on onward referral, prescribing and results."
        ),
    },
    # --- Pay ---------------------------------------------------------------------------
    {
        "number": 17,
        "section": "Pay",
        "proposer": "Cornwall and Isles of Scilly LMC",
        "category": "prioritised",
        "title": "Restore seniority pay",
        "text": (
            "That conference condemns the abolition of seniority payments, which has penalised "
            "experienced GPs and hastened their early retirement, and calls on GPC England to negotiate "
            "their restoration."
        ),
    },
    {
        "number": 18,
        "section": "Pay",
        "proposer": "Leeds LMC",
        "category": "prioritised",
        "title": "Implement the DDRB's 4% uplift",
        "text": (
            "That conference condemns the government's refusal to implement in full the DDRB's "
            "recommended 4% uplift for GPs, and demands that the uplift is paid in full and backdated, "
            "with the funding to pass it on to practice staff."
        ),
    },
    {
        "number": 19,
        "section": "Pay",
        "proposer": "Bedfordshire LMC",
        "category": "grey",
        "title": "Minimum rates for sessional GPs",
        "text": (
            "That conference calls on GPC England to publish recommended minimum sessional rates for "
            "salaried and locum GPs, reviewed each year in line with the DDRB award."
        ),
    },
]

LIVE_POLLS: list[dict] = [
    {
        "question": "Which element of the partnership-model review matters most to your practice?",
        "options": [
            "Taking on premises and lease liabilities",
            "State-backed indemnity for the whole practice team",
            "More GPs and practice staff",
            "Relief from the data controller role for GP records",
            "Primary care networks working at scale",
        ],
    },
    {
        "question": "How confident are you that the partnership model can survive the next five years?",
        "scale_max": 6,
        "scale_labels": ("Not at all confident", "Completely confident"),
    },
]


# The agenda committee election (an election by STV: elections/). Candidates with their LMC,
# a short statement and group tags; "new member" has a reserved seat (at least one elected).
ELECTIONS: list[dict] = [
    {
        "title": "Agenda committee",
        "seats": 5,
        "method": "scottish",
        "constraints": [{"group": "new member", "minimum": 1, "maximum": None}],
        "candidates": [
            (
                "Dr Amara Okafor",
                "Avon LMC",
                "Six years on the committee; I will keep debate time for the motions that matter.",
                [],
            ),
            (
                "Dr Ben Hartley",
                "Birmingham LMC",
                "A sessional GP: I want more of the agenda to reach locums and salaried doctors.",
                ["new member"],
            ),
            (
                "Dr Catrin Evans",
                "Cornwall and Isles of Scilly LMC",
                "Rural practice, dispensing, and an agenda that ends on time.",
                [],
            ),
            (
                "Dr Dev Mistry",
                "Barnet LMC",
                "Clearer composite motions, published earlier, so every LMC can mandate its representatives.",
                [],
            ),
            (
                "Dr Eleanor Price",
                "Cheshire LMC",
                "Chair of my LMC for four years; I will bring its experience of running debates.",
                [],
            ),
            (
                "Dr Farid Haddad",
                "Bradford and Airedale LMC",
                "New to the committee: a GP trainer who wants trainees heard at conference.",
                ["new member"],
            ),
            (
                "Dr Grace Lin",
                "Cambridgeshire LMC",
                "Workload and safe working limits should lead the agenda, not close it.",
                [],
            ),
            (
                "Dr Hamish Reid",
                "Cleveland LMC",
                "A practice manager's son and a partner: premises and estates deserve their own section.",
                ["new member"],
            ),
            (
                "Dr Imogen Walsh",
                "Bedfordshire LMC",
                "I will push for the chosen-motions ballot to be open to every LMC, earlier.",
                [],
            ),
        ],
    },
]
