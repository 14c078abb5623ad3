"""Seeded synthetic call data: the call file, applications, reviewers and declared conflicts.

Everything comes from one ``random.Random(seed)``, so the same seed writes byte-identical files.
Problems are planted on purpose (see ``generate``) so intake, screening and conflict detection
have real work to do. The data is about organizations and projects, never about a survivor.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path

APPLICATION_COLUMNS: tuple[str, ...] = (
    "external_id", "submitted_at", "organization_name", "organization_type", "registration_number",
    "organization_region", "province", "indigenous_led", "contact_name", "contact_email", "board_members",
    "key_staff", "partner_organizations", "project_title", "project_summary", "stream", "regions_served",
    "populations_served", "requested_amount", "total_budget", "start_date", "duration_months", "language",
)  # fmt: skip
REVIEWER_COLUMNS: tuple[str, ...] = (
    "name", "email", "affiliation", "expertise", "languages", "indigenous_expertise", "max_load", "regions",
)  # fmt: skip
CONFLICT_COLUMNS: tuple[str, ...] = ("reviewer_email", "external_id", "reason")

EXPERTISE: tuple[str, ...] = (
    "survivor_services", "youth", "housing", "legal", "health", "indigenous_healing", "labour_trafficking",
    "training", "evaluation", "awareness",
)  # fmt: skip
POPULATIONS: tuple[str, ...] = (
    "women", "girls", "youth", "youth_in_care", "2slgbtqqia", "newcomers", "migrant_workers",
    "indigenous_women_and_girls", "indigenous_youth", "francophones", "people_with_disabilities",
    "rural_and_remote", "men_and_boys", "families",
)  # fmt: skip

# Planted malformed values, one per invalid row, in the order they are cycled through.
MALFORMED_KINDS: tuple[str, ...] = (
    "bad_email", "bad_region", "bad_amount", "bad_stream", "bad_language", "no_external_id", "bad_duration",
)  # fmt: skip
# Valid rows that screening must fail; ordered so a small call still gets varied reasons.
INELIGIBLE_KINDS: tuple[str, ...] = (
    "for_profit", "late", "below_min", "iif_not_indigenous", "no_summary", "out_of_province", "above_max",
    "individual", "no_board", "no_staff", "short_summary", "no_populations",
)  # fmt: skip

OPENS_AT = dt.datetime(2026, 1, 12, 9, 0)
CLOSES_AT = dt.datetime(2026, 3, 13, 17, 0)
MIN_REQUEST_CENTS = 25_000_00
MAX_REQUEST_CENTS = 300_000_00
REGIONS: tuple[str, ...] = ("toronto", "central", "east", "west", "northeast", "northwest")

SHARE_DUPLICATE = 0.01
SHARE_MALFORMED = 0.02
SHARE_INELIGIBLE = 0.12
SHARE_REVIEW = 0.03
SHARE_FORMULA = 0.005
SHARE_REPEAT = 0.05
SHARE_FRENCH = 0.25
SHARE_INDIGENOUS = 0.31
SHARE_WEBMAIL = 0.08
SHARE_REVIEWER_TIE = 0.04  # for each of: exact affiliation, near affiliation, shared domain, board member

FORMULA_PREFIXES: tuple[str, ...] = (
    '=HYPERLINK("http://example.org","Cliquez ici")', "=SUM(A1:A10)", "@SUM(1,1)", "+1+1", "-1+1",
)  # fmt: skip


@dataclass(frozen=True)
class SynthSummary:
    """Where the files went and what was planted in them."""

    call_file: Path
    applications_file: Path
    reviewers_file: Path
    conflicts_file: Path
    applications: int  # data rows in applications.csv, bad and duplicate rows included
    planted_invalid: int  # rows intake must reject (malformed values, repeated external_id)
    planted_ineligible: int  # valid rows screening must fail
    reviewers: int
    conflicts: int


# -- word pools -------------------------------------------------------------------------------

_WEIGHTS_EN = (0.27, 0.27, 0.14, 0.18, 0.08, 0.06)
_WEIGHTS_FR = (0.14, 0.07, 0.34, 0.08, 0.30, 0.07)
_WEIGHTS_INDIGENOUS = (0.14, 0.10, 0.12, 0.14, 0.22, 0.28)

EN_PLACES: dict[str, tuple[str, ...]] = {
    "toronto": ("Toronto", "Scarborough", "Etobicoke", "North York", "East York", "Parkdale", "Regent Park",
                "Greater Toronto", "Downtown Toronto", "Rexdale"),
    "central": ("Peel", "Mississauga", "Brampton", "York Region", "Durham", "Oshawa", "Barrie", "Simcoe County",
                "Newmarket", "Muskoka", "Halton", "Orangeville", "Markham", "Georgina"),
    "east": ("Ottawa", "Kingston", "Cornwall", "Belleville", "Peterborough", "Brockville", "Pembroke",
             "Renfrew County", "Quinte", "Eastern Ontario", "Lanark County"),
    "west": ("London", "Windsor", "Hamilton", "Kitchener", "Waterloo Region", "Guelph", "Niagara", "Sarnia",
             "Brantford", "Chatham-Kent", "Owen Sound", "Southwestern Ontario", "Stratford"),
    "northeast": ("Sudbury", "North Bay", "Timmins", "Sault Ste. Marie", "Kapuskasing", "Cochrane", "Temiskaming",
                  "Nipissing", "Elliot Lake", "Moosonee", "Northern Ontario", "Manitoulin"),
    "northwest": ("Thunder Bay", "Kenora", "Dryden", "Sioux Lookout", "Fort Frances", "Marathon", "Red Lake",
                  "Geraldton", "Northwestern Ontario", "Rainy River"),
}  # fmt: skip

# (bare name, "de" form, "à" form) so French sentences read correctly.
FR_PLACES: dict[str, tuple[tuple[str, str, str], ...]] = {
    "toronto": (("Toronto", "de Toronto", "à Toronto"), ("Grand Toronto", "du Grand Toronto", "dans le Grand Toronto"),
                ("Scarborough", "de Scarborough", "à Scarborough"), ("North York", "de North York", "à North York")),
    "central": (("Penetanguishene", "de Penetanguishene", "à Penetanguishene"),
                ("Huronie", "de la Huronie", "en Huronie"), ("Peel", "de Peel", "dans la région de Peel"),
                ("Durham", "de Durham", "dans la région de Durham"), ("Barrie", "de Barrie", "à Barrie"),
                ("Mississauga", "de Mississauga", "à Mississauga"), ("Oshawa", "d'Oshawa", "à Oshawa")),
    "east": (("Ottawa", "d'Ottawa", "à Ottawa"), ("Cornwall", "de Cornwall", "à Cornwall"),
             ("Hawkesbury", "de Hawkesbury", "à Hawkesbury"),
             ("Prescott-Russell", "de Prescott-Russell", "dans Prescott-Russell"),
             ("Est ontarien", "de l'Est ontarien", "dans l'Est ontarien"), ("Kingston", "de Kingston", "à Kingston"),
             ("Orléans", "d'Orléans", "à Orléans"), ("Rockland", "de Rockland", "à Rockland"),
             ("Casselman", "de Casselman", "à Casselman"), ("Alexandria", "d'Alexandria", "à Alexandria"),
             ("Embrun", "d'Embrun", "à Embrun")),
    "west": (("Windsor-Essex", "de Windsor-Essex", "dans Windsor-Essex"), ("Welland", "de Welland", "à Welland"),
             ("Niagara", "du Niagara", "dans la région du Niagara"), ("London", "de London", "à London"),
             ("Hamilton", "de Hamilton", "à Hamilton"), ("Sud-Ouest", "du Sud-Ouest", "dans le Sud-Ouest"),
             ("Tecumseh", "de Tecumseh", "à Tecumseh")),
    "northeast": (("Nord-Est", "du Nord-Est", "dans le Nord-Est"), ("Sudbury", "de Sudbury", "à Sudbury"),
                  ("Grand Sudbury", "du Grand Sudbury", "dans le Grand Sudbury"), ("Hearst", "de Hearst", "à Hearst"),
                  ("Kapuskasing", "de Kapuskasing", "à Kapuskasing"), ("Timmins", "de Timmins", "à Timmins"),
                  ("North Bay", "de North Bay", "à North Bay"),
                  ("Sault-Sainte-Marie", "de Sault-Sainte-Marie", "à Sault-Sainte-Marie"),
                  ("Kirkland Lake", "de Kirkland Lake", "à Kirkland Lake"),
                  ("Sturgeon Falls", "de Sturgeon Falls", "à Sturgeon Falls"),
                  ("Chapleau", "de Chapleau", "à Chapleau"),
                  ("Mattawa", "de Mattawa", "à Mattawa"), ("Elliot Lake", "d'Elliot Lake", "à Elliot Lake")),
    "northwest": (("Nord-Ouest", "du Nord-Ouest", "dans le Nord-Ouest"),
                  ("Thunder Bay", "de Thunder Bay", "à Thunder Bay"), ("Kenora", "de Kenora", "à Kenora"),
                  ("Dryden", "de Dryden", "à Dryden"), ("Geraldton", "de Geraldton", "à Geraldton"),
                  ("Marathon", "de Marathon", "à Marathon")),
}  # fmt: skip

GIVEN = {
    "en": ("Sarah", "Michael", "Priya", "Jennifer", "David", "Aisha", "Daniel", "Emily", "Kevin", "Grace", "Omar",
           "Rachel", "Jason", "Mei", "Tyler", "Hannah", "Amir", "Leah", "Marcus", "Olivia", "Samira", "Nathan",
           "Chloe", "Ravi", "Fatima", "Ethan", "Jasmine", "Liam", "Zoe", "Andre", "Beverley", "Colin", "Deborah",
           "Farah", "Gurpreet", "Heather", "Imani", "Joanne", "Kwame", "Linda", "Naveen", "Patricia", "Rebecca",
           "Simone", "Teresa", "Yusuf", "Wendy", "Adrian", "Bronwyn", "Declan"),
    "fr": ("Marie-Claude", "Julie", "Sylvie", "Isabelle", "Geneviève", "Chantal", "Nathalie", "Mélanie", "Josée",
           "Annie", "Luc", "Mathieu", "Étienne", "François", "Jean-Philippe", "Denis", "Guy", "Stéphane", "Émilie",
           "Karine", "Hélène", "Lise", "Amélie", "Olivier", "Sébastien", "Manon", "Valérie", "Benoît", "Rachelle",
           "Aïcha", "Marie-Ève", "Claudette", "Yves", "Ginette", "Pierre-Luc", "Francine", "Mireille", "Réjean",
           "Monique", "Dominique", "Fatou", "Jocelyne", "Normand", "Solange", "Carole", "Marc-André", "Danielle",
           "Martine", "Gilles", "Noémie"),
    "indigenous": ("Tanya", "Rosalie", "Jordan", "Faye", "Shelby", "Wanda", "Charlene", "Clayton", "Wesley", "Dakota",
                   "Leona", "Sheldon", "Autumn", "Wade", "Cheyenne", "Darlene", "Skye", "Raven", "Lorna", "Winona",
                   "Tanis", "Marlene", "Harvey", "Doreen", "Elijah", "Sadie", "Travis", "Georgina", "Mosha", "Annie",
                   "Pauloosie", "Leetia", "Jonah", "Bernice", "Cody", "Mariah", "Kyle", "Stella", "Darryl",
                   "Geraldine"),
}  # fmt: skip
SURNAMES = {
    "en": ("Thompson", "MacDonald", "Patel", "Nguyen", "Singh", "Campbell", "O'Brien", "Wilson", "Chen", "Kowalski",
           "Martin", "Ahmed", "Fraser", "Robinson", "Hughes", "Kaur", "Stewart", "Li", "Morrison", "Ferreira", "Osei",
           "Bennett", "Sullivan", "Grant", "Young", "Walsh", "Ramirez", "Park", "Davies", "Mensah", "Abdi", "Baptiste",
           "Chowdhury", "Doherty", "Ellis", "Fitzgerald", "Gill", "Haddad", "Ibrahim", "Jackson", "Kim", "Lopes",
           "McKenzie", "Novak", "Okafor", "Pereira", "Quinn", "Reid", "Santos", "Tran", "Vasquez", "Wong", "Yilmaz",
           "Zhang", "Armstrong", "Brooks", "Clarke", "Dhillon", "Evans", "Forsythe"),
    "fr": ("Lavoie", "Gagnon", "Tremblay", "Côté", "Bélanger", "Lefebvre", "Pelletier", "Bouchard", "Gauthier", "Roy",
           "Morin", "Lalonde", "Séguin", "Charbonneau", "Dubois", "Lachance", "Brisebois", "Lévesque", "Thériault",
           "Desjardins", "Paquette", "Ouellette", "Proulx", "Giroux", "Bourgeois", "Bisson", "Lacroix", "Hébert",
           "Cloutier", "Rainville", "Bergeron", "Chartrand", "Dallaire", "Émond", "Fortin", "Girard", "Houle",
           "Jolicoeur", "Labelle", "Marleau", "Nadeau", "Poirier", "Quesnel", "Racine", "Sauvé", "Tessier",
           "Vaillancourt", "Diallo", "Ndiaye", "Joseph"),
    "indigenous": ("Fiddler", "Meekis", "Kakegamic", "Beardy", "Sakanee", "Moonias", "Wabasse", "Keesick", "Mamakwa",
                   "Nanokeesic", "Rae", "Big Canoe", "Commanda", "Assinewe", "Manitowabi", "Corbiere", "McLeod",
                   "Nahwegahbow", "Solomon", "Wesley", "Linklater", "Koostachin", "Sutherland", "Kataquapit", "Wheesk",
                   "Metatawabin", "Tookate", "Arnaq", "Kilabuk", "Akulukjuk", "Pitseolak", "Ootoova", "Ipeelee",
                   "Nowdlak", "Etok", "Fontaine", "Laliberte", "Chartier", "Desmoulin", "Trudeau", "Bird", "Redsky",
                   "Kejick", "Pelletier", "Beaver", "Quisses", "Jacko", "Peltier", "Naponse", "Recollet"),
}  # fmt: skip

EN_CORES = (
    "Women's Shelter", "Youth Services", "Community Services", "Survivors Network", "Anti-Trafficking Coalition",
    "Family Services", "Sexual Assault Centre", "Victim Services", "Community Legal Clinic", "Multicultural Centre",
    "Immigrant Services", "Community Health Centre", "Youth Outreach Centre", "Women's Centre",
    "Housing Collaborative", "Crisis Centre", "Counselling Centre", "Settlement Services", "Rape Crisis Centre",
    "Street Outreach Services", "Transition House", "Survivor Support Network", "Newcomer Women's Services",
    "Migrant Worker Support Centre",
)  # fmt: skip
EN_VIRTUES = (
    "Safe Harbour", "New Dawn", "Bright Path", "Open Door", "Hope Haven", "Second Light", "True North", "Clear Water",
    "Stepping Stone", "Rising Tide", "Lighthouse", "Compass", "Anchor", "Willow", "Cedar Grove", "Northern Lights",
    "Beacon", "Kindred", "Haven House", "Pathways", "Bridges", "Harbourview", "Sunrise", "Evergreen",
)  # fmt: skip
FR_CORES = (
    "Centre des femmes francophones", "Réseau des services aux victimes", "Réseau d'entraide des femmes",
    "Centre de santé communautaire", "Carrefour des femmes", "Association jeunesse", "Clinique juridique francophone",
    "Centre d'aide et de lutte contre les agressions à caractère sexuel", "Centre francophone",
    "Service d'aide aux personnes immigrantes", "Centre de counseling", "Maison des jeunes",
    "Coalition contre la traite des personnes", "Regroupement des intervenantes", "Services communautaires",
    "Centre de ressources pour les familles", "Réseau communautaire", "Centre d'accueil et d'orientation",
)  # fmt: skip
FR_MAISONS = (
    "L'Escale", "Le Phare", "La Passerelle", "Horizon", "L'Oasis", "Le Havre", "La Source", "L'Envolée", "Le Nid",
    "La Traversée", "Aurore", "Soleil levant",
)  # fmt: skip
FR_COLLECTIFS = ("Boussole", "Lanterne", "Ancrage", "Envol", "Boréal", "Tremplin", "Solidarité", "Entre-femmes")
EN_INDIGENOUS = (
    "{p} Indigenous Friendship Centre", "{p} Native Friendship Centre", "{p} Native Women's Association",
    "{p} Indigenous Youth Lodge", "{p} Métis Council", "{p} Inuit Family Resource Centre",
    "{p} Urban Indigenous Health Circle", "{p} Two-Spirit Wellness Circle", "Anishinaabe Healing Lodge of {p}",
    "{p} Indigenous Women's Healing Lodge", "{p} Indigenous Family Services", "{p} Métis Family Wellbeing Centre",
)  # fmt: skip
FR_INDIGENOUS = (
    "Centre d'amitié autochtone {d}", "Conseil des Métis {d}", "Association des femmes autochtones {d}",
    "Cercle de guérison autochtone {d}", "Centre de ressources inuit {d}", "Services à la famille autochtone {d}",
)  # fmt: skip
NATION_FIRST = (
    "Cedar", "Birch", "Tamarack", "Spruce", "White Pine", "Sweetgrass", "Loon", "Otter", "Caribou", "Heron", "Marten",
    "Kingfisher", "Pickerel", "Raven", "Blueberry", "Balsam", "Muskrat", "Osprey", "Poplar", "Granite",
)  # fmt: skip
NATION_SECOND = ("Lake", "River", "Bay", "Narrows", "Point", "Falls", "Rapids", "Portage", "Island", "Creek", "Hills")
NATION_KINDS = ("First Nation", "Anishinaabek", "Cree Nation", "Ojibway Nation")

EN_LOCAL = ("info", "admin", "ed", "programs", "office", "contact", "grants", "hello")
FR_LOCAL = ("direction", "info", "coordination", "administration", "accueil", "programmes")
WEBMAIL = ("gmail.com", "outlook.com", "hotmail.com", "yahoo.ca")
_STOPWORDS = frozenset(
    ("de", "des", "du", "la", "le", "les", "l", "d", "et", "of", "the", "and", "for", "a", "au", "aux", "en", "inc",
     "s", "ltd")
)  # fmt: skip

REVIEWER_AFFILIATIONS: tuple[tuple[str, str], ...] = (
    ("Lakeshore University, School of Social Work", "lakeshoreu.ca"),
    ("Université Champlain, École de service social", "uchamplain.ca"),
    ("Collège des Grands Lacs", "cgl.on.ca"),
    ("Ontario Institute for Trauma-Informed Practice", "oitip.ca"),
    ("Centre de recherche en violence et santé", "crvs-recherche.ca"),
    ("Great Lakes Indigenous Health Research Circle", "glihrc.ca"),
    ("Provincial Victim Services Network", "pvsn-network.ca"),
    ("Cercle autochtone de recherche et d'évaluation", "care-autochtone.ca"),
    ("Ontario Public Health Collaborative", "ophc-collab.ca"),
    ("Frontline Training Institute", "frontline-institute.ca"),
    ("Institut franco-ontarien d'études sociales", "ifoes.ca"),
    ("Southwest Regional Hospital, Social Work Department", "swrh-hospital.ca"),
    ("Northern Shield College", "northernshield.on.ca"),
    ("Metro Labour Rights Centre", "metrolabourrights.ca"),
    ("Independent evaluator", ""),
    ("Évaluatrice indépendante", ""),
    ("Retired Crown counsel", ""),
)

CONFLICT_REASONS = {
    "en": ("Former employee of the applicant (2023)", "Sits on the applicant's board of directors",
           "Close family member works for the applicant", "Helped write the proposal's evaluation plan",
           "Paid consultant to the applicant in the last two years", "Volunteer with the applicant organization",
           "Board member of a partner organization", "Personal friendship with the executive director"),
    "fr": ("Membre du conseil d'administration de l'organisme partenaire", "Ancienne employée de l'organisme (2022)",
           "Lien familial avec la directrice générale", "A contribué à la rédaction de la proposition",
           "Consultant rémunéré par l'organisme au cours des deux dernières années",
           "Bénévole au sein de l'organisme"),
}  # fmt: skip

# theme -> (en titles, fr titles, en activities, fr activities)
THEMES: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "survivor_services": (
        ("Survivor Support Hub", "Wraparound Support for Survivors", "Trauma-Informed Case Management",
         "Peer Mentorship for Survivors", "After-Hours Crisis Support", "Pathways to Safety"),
        ("Carrefour de soutien aux personnes survivantes", "Soutien global aux personnes survivantes",
         "Gestion de cas tenant compte des traumatismes", "Mentorat par les pairs pour les personnes survivantes",
         "Soutien de crise en dehors des heures de bureau", "Chemins vers la sécurité"),
        ("expand trauma-informed case management and crisis counselling",
         "open a drop-in hub offering counselling, basic needs and referrals",
         "provide wraparound support, including counselling, income support and employment referrals",
         "add after-hours crisis support and safety planning"),
        ("élargir la gestion de cas et l'intervention de crise tenant compte des traumatismes",
         "ouvrir un centre d'accueil offrant counseling, aide matérielle et orientation",
         "offrir un soutien global, notamment du counseling, de l'aide au revenu et de l'orientation vers l'emploi",
         "ajouter un service d'intervention de crise et de planification de la sécurité le soir et la fin de semaine"),
    ),
    "youth": (
        ("Youth Outreach and Prevention", "Safe Online Spaces for Youth", "Street Outreach to At-Risk Youth",
         "School-Based Prevention Workshops", "Youth Peer Leaders"),
        ("Prévention et intervention auprès des jeunes", "Espaces en ligne sécuritaires pour les jeunes",
         "Travail de rue auprès des jeunes à risque", "Ateliers de prévention en milieu scolaire",
         "Jeunes leaders pairs"),
        ("deliver street and online outreach", "run prevention workshops in schools and community centres",
         "train youth peer leaders to recognize online recruitment tactics",
         "create safe after-school spaces with trusted adults"),
        ("mener des activités de travail de rue et d'intervention en ligne",
         "animer des ateliers de prévention dans les écoles et les centres communautaires",
         "former des jeunes leaders pairs à reconnaître les tactiques de recrutement en ligne",
         "créer des espaces sécuritaires après l'école avec des adultes de confiance"),
    ),
    "training": (
        ("Front-Line Worker Training", "Recognize and Respond: Training for Health Care Staff",
         "Hospitality Sector Awareness Training", "Trauma-Informed Practice Training Series"),
        ("Formation du personnel de première ligne", "Reconnaître et agir : formation du personnel de la santé",
         "Formation de sensibilisation pour le secteur de l'hôtellerie",
         "Série de formations sur les pratiques tenant compte des traumatismes"),
        ("train front-line workers in shelters, hospitals and schools to recognize and respond to trafficking",
         "develop a bilingual e-learning course for front-line staff",
         "deliver trauma-informed practice training to hotel, transit and health care staff"),
        ("former le personnel de première ligne des refuges, des hôpitaux et des écoles à reconnaître la traite",
         "concevoir un cours en ligne bilingue pour le personnel de première ligne",
         "offrir une formation sur les pratiques tenant compte des traumatismes au personnel de l'hôtellerie, "
         "du transport et de la santé"),
    ),
    "housing": (
        ("Transitional Housing Pilot", "Safe Beds and Transitional Housing", "Second-Stage Housing Expansion",
         "Housing First for Survivors"),
        ("Projet pilote de logement de transition", "Lits sécuritaires et logement de transition",
         "Agrandissement du logement de deuxième étape", "Logement d'abord pour les personnes survivantes"),
        ("add transitional housing units with on-site support",
         "provide safe emergency beds and a path to second-stage housing",
         "help survivors find and keep stable housing through landlord partnerships"),
        ("ajouter des logements de transition avec soutien sur place",
         "offrir des lits d'urgence sécuritaires et un accès au logement de deuxième étape",
         "aider les personnes survivantes à trouver et à garder un logement stable grâce à des propriétaires "
         "partenaires"),
    ),
    "healing": (
        ("Land-Based Healing Program", "Culturally Grounded Healing Circles",
         "Elders and Knowledge Keepers Healing Program", "Strong Spirit, Safe Journey"),
        ("Programme de guérison axé sur le territoire", "Cercles de guérison ancrés dans la culture",
         "Programme de guérison avec les aînés et les gardiens du savoir", "Esprit fort, parcours sûr"),
        ("offer land-based healing and ceremony led by Elders and Knowledge Keepers",
         "deliver culturally grounded healing circles and traditional teachings",
         "connect survivors with cultural supports, language and community"),
        ("offrir des activités de guérison sur le territoire et des cérémonies animées par des aînés",
         "animer des cercles de guérison ancrés dans la culture et des enseignements traditionnels",
         "relier les personnes survivantes à des soutiens culturels, à leur langue et à leur communauté"),
    ),
    "legal": (
        ("Legal Navigation Clinic", "System Navigation for Survivors", "Court Accompaniment Program",
         "Know Your Rights Legal Outreach"),
        ("Clinique d'orientation juridique", "Accompagnement dans les systèmes pour les personnes survivantes",
         "Programme d'accompagnement à la cour", "Connaître ses droits : information juridique"),
        ("provide legal information, court accompaniment and system navigation",
         "help survivors navigate immigration, family law and income support",
         "offer free legal clinics with partner lawyers"),
        ("offrir de l'information juridique, de l'accompagnement à la cour et de l'aide à la navigation",
         "aider les personnes survivantes à s'y retrouver en immigration, en droit de la famille et en aide au revenu",
         "tenir des cliniques juridiques gratuites avec des avocates et avocats partenaires"),
    ),
    "awareness": (
        ("Community Awareness Campaign", "See It, Name It: Public Awareness", "Multilingual Awareness Campaign",
         "Awareness in Rural Communities"),
        ("Campagne de sensibilisation communautaire", "Voir, nommer, agir : sensibilisation du public",
         "Campagne de sensibilisation multilingue", "Sensibilisation en milieu rural"),
        ("run a multilingual public awareness campaign",
         "work with local businesses and transit operators to raise awareness",
         "bring awareness sessions to rural and remote communities"),
        ("mener une campagne de sensibilisation du public en plusieurs langues",
         "sensibiliser les commerces locaux et les sociétés de transport",
         "offrir des séances de sensibilisation dans les communautés rurales et éloignées"),
    ),
    "labour": (
        ("Labour Trafficking Outreach to Migrant Workers", "Agricultural Worker Rights Outreach",
         "Safe Work, Fair Work"),
        ("Rejoindre les travailleuses et travailleurs migrants", "Droits des travailleurs agricoles",
         "Travail sûr, travail juste"),
        ("reach migrant and temporary foreign workers with information on labour rights and trafficking",
         "run mobile outreach to farm and food-processing workers",
         "train employers and recruiters to spot labour exploitation"),
        ("informer les travailleuses et travailleurs migrants et étrangers temporaires sur leurs droits",
         "offrir une présence mobile auprès des travailleurs agricoles et de la transformation alimentaire",
         "former les employeurs et les recruteurs à repérer l'exploitation par le travail"),
    ),
}  # fmt: skip
_THEME_NAMES = tuple(THEMES)
_THEME_WEIGHTS = (18, 16, 14, 12, 3, 10, 12, 8)
_THEME_WEIGHTS_INDIGENOUS = (18, 16, 8, 12, 30, 6, 8, 2)

POPULATION_PHRASES: dict[str, tuple[str, str]] = {
    "women": ("women", "les femmes"),
    "girls": ("girls and young women", "les filles et les jeunes femmes"),
    "youth": ("at-risk youth", "les jeunes à risque"),
    "youth_in_care": ("youth in and leaving care", "les jeunes pris en charge ou qui quittent les soins"),
    "2slgbtqqia": ("2SLGBTQQIA+ people", "les personnes 2ELGBTQQIA+"),
    "newcomers": ("newcomers", "les personnes nouvellement arrivées"),
    "migrant_workers": ("migrant workers", "les travailleuses et travailleurs migrants"),
    "indigenous_women_and_girls": ("Indigenous women and girls", "les femmes et les filles autochtones"),
    "indigenous_youth": ("Indigenous youth", "les jeunes autochtones"),
    "francophones": ("francophone communities", "les communautés francophones"),
    "people_with_disabilities": ("people with disabilities", "les personnes handicapées"),
    "rural_and_remote": ("people in rural and remote communities", "les personnes en milieu rural et éloigné"),
    "men_and_boys": ("men and boys", "les hommes et les garçons"),
    "families": ("families", "les familles"),
}

EN_OPENERS = ("This project will", "With this funding, we will", "Our organization will", "The project will")
FR_OPENERS = ("Ce projet permettra de", "Grâce à ce financement, nous allons", "Notre organisme va", "Le projet vise à")
EN_METHODS = (
    "Services are survivor-centred and trauma-informed, and were designed with an advisory circle of people with "
    "lived experience.",
    "We will work with {partner} to make referrals faster and safer.",
    "Staff and volunteers will receive ongoing clinical supervision and training.",
    "All materials will be available in English and French and in plain language.",
    "The project builds on {years} years of community-based work in the region.",
    "Activities will be accessible to people with disabilities and to those living in remote communities.",
)
FR_METHODS = (
    "Les services sont axés sur les personnes survivantes, tiennent compte des traumatismes et ont été conçus avec "
    "un cercle consultatif de personnes ayant une expérience vécue.",
    "Nous travaillerons avec {partner} pour rendre l'orientation plus rapide et plus sûre.",
    "Le personnel et les bénévoles recevront une supervision clinique et une formation continues.",
    "Tout le matériel sera offert en français et en anglais, en langage clair.",
    "Le projet s'appuie sur {years} ans de travail communautaire dans la région.",
    "Les activités seront accessibles aux personnes handicapées et aux personnes vivant en région éloignée.",
)
EN_INDIGENOUS_METHODS = (
    "The project is led by Indigenous staff and guided by Elders and Knowledge Keepers.",
    "Programming is rooted in Anishinaabe, Cree, Métis and Inuit teachings and is delivered on the land where "
    "possible.",
)
FR_INDIGENOUS_METHODS = (
    "Le projet est dirigé par du personnel autochtone et guidé par des aînés et des gardiens du savoir.",
    "La programmation s'inspire des enseignements anishinaabe, cris, métis et inuits et se déroule sur le territoire "
    "lorsque c'est possible.",
)
EN_INDICATORS = ("front-line workers trained", "referrals completed", "outreach contacts made",
                 "nights of safe housing provided", "workshops delivered",
                 "people reached by the campaign")  # fmt: skip
FR_INDICATORS = ("membres du personnel de première ligne formés", "orientations réalisées",
                 "contacts de proximité établis", "nuitées de logement sécuritaire offertes", "ateliers donnés",
                 "personnes jointes par la campagne")  # fmt: skip
EN_SHORT_SUMMARIES = ("Outreach project for youth.", "Support for survivors in our area.", "Awareness workshops.")
FR_SHORT_SUMMARIES = ("Projet de sensibilisation.", "Soutien aux survivantes.", "Ateliers pour les jeunes.")
EN_CODENAMES = ("Compass", "Lantern", "Bridge", "Horizon", "Safe Passage", "Northern Light", "Threshold", "Kinship",
                "Anchor", "Wayfinder")  # fmt: skip
FR_CODENAMES = ("Boussole", "Lanterne", "Passerelle", "Horizon", "Phare", "Seuil", "Ancrage", "Envol", "Boréal",
                "Tremplin")  # fmt: skip
EN_PARTNERS = ("{p} Police Service", "{p} Children's Aid Society", "{p} Public Health", "{p} Community Legal Clinic",
               "{p} Regional Hospital", "{p} District School Board", "{p} Victim Services")  # fmt: skip
FR_PARTNERS = ("Service de police {d}", "Société d'aide à l'enfance {d}", "Santé publique {d}",
               "Conseil scolaire catholique {d}", "Hôpital régional {d}", "Services aux victimes {d}")  # fmt: skip
FR_MUNICIPALITIES = ("Hearst", "Kapuskasing", "Casselman", "Hawkesbury", "Mattawa", "Chapleau", "Penetanguishene",
                     "Clarence-Rockland", "Smooth Rock Falls", "Moonbeam")  # fmt: skip

_HOURS = tuple(range(24))
_HOUR_WEIGHTS = (1, 1, 0, 0, 0, 0, 1, 2, 5, 8, 9, 9, 7, 8, 9, 9, 8, 6, 4, 4, 5, 5, 4, 2)  # no 02:00: DST gap
_DURATIONS = (12, 18, 24, 36)


# -- helpers --------------------------------------------------------------------------------


@dataclass(slots=True)
class _Org:
    name: str
    org_type: str
    registration_number: str
    region: str
    province: str
    indigenous: bool
    lang: str  # "en" or "fr"
    culture: str  # which name pool its people come from
    place_en: str
    place_fr: tuple[str, str, str]
    contact_name: str
    contact_email: str
    domain: str  # "" for webmail
    stream: str
    yes_no: tuple[str, str]
    people: list[str] = field(default_factory=list)


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text)
    return "".join(c for c in folded if not unicodedata.combining(c))


def _words(text: str) -> list[str]:
    cleaned = "".join(c if c.isalnum() else " " for c in _ascii(text).lower())
    return [w for w in cleaned.split() if w not in _STOPWORDS]


def _money(cents: int) -> str:
    return str(cents // 100) if cents % 100 == 0 else f"{cents // 100}.{cents % 100:02d}"


def _count(n: int, share: float, floor: int) -> int:
    # Small calls (n >= 50) still get a few of each planted problem.
    planted = round(n * share)
    return max(planted, floor) if n >= 50 else planted


class _Builder:
    """Holds the seeded generator and the uniqueness registries for one run."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.names: set[str] = set()
        self.numbers: set[str] = set()
        self.domains: set[str] = {domain for _, domain in REVIEWER_AFFILIATIONS if domain}
        self.emails: set[str] = set()

    # people and places

    def person(self, culture: str) -> str:
        rng = self.rng
        surname = rng.choice(SURNAMES[culture])
        if culture == "fr" and rng.random() < 0.08:
            surname = f"{surname}-{rng.choice(SURNAMES['fr'])}"
        return f"{rng.choice(GIVEN[culture])} {surname}"

    def people(self, culture: str, n: int) -> list[str]:
        rng = self.rng
        mix = {"en": ("en", "en", "en", "en", "en", "en", "en", "fr", "indigenous", "indigenous"),
               "fr": ("fr", "fr", "fr", "fr", "fr", "fr", "fr", "en", "en", "indigenous"),
               "indigenous": ("indigenous",) * 7 + ("en", "en", "fr")}[culture]  # fmt: skip
        out: list[str] = []
        while len(out) < n:
            name = self.person(rng.choice(mix))
            if name not in out:
                out.append(name)
        return out

    def region(self, weights: Sequence[float]) -> str:
        return self.rng.choices(REGIONS, weights)[0]

    def registration_number(self, charity: bool) -> str:
        rng = self.rng
        while True:
            number = f"{rng.randrange(10**8, 10**9)}RR0001" if charity else str(rng.randrange(1_000_000, 10_000_000))
            if number not in self.numbers:
                self.numbers.add(number)
                return number

    def unique_name(self, make: list[str], fallback_place: str) -> str:
        for candidate in make:
            if candidate not in self.names:
                self.names.add(candidate)
                return candidate
        base = f"{make[0]} ({fallback_place})"
        candidate, n = base, 2
        while candidate in self.names:
            candidate, n = f"{base} {n}", n + 1
        self.names.add(candidate)
        return candidate

    def domain(self, name: str) -> str:
        rng = self.rng
        words = _words(name) or ["org"]
        tld = rng.choices((".ca", ".on.ca", ".org"), (0.6, 0.15, 0.25))[0]
        styles = ["".join(words[:2]), "-".join(words[:3])]
        if len(words) >= 3:
            styles.append("".join(w[0] for w in words[:5]))
            styles.append("-".join((words[0], *words[2:4])))
        rng.shuffle(styles)
        for stem in styles:
            stem = stem[:40].strip("-")
            if stem and stem + tld not in self.domains:
                self.domains.add(stem + tld)
                return stem + tld
        stem, n = styles[0][:36].strip("-") or "org", 2
        while f"{stem}{n}{tld}" in self.domains:
            n += 1
        self.domains.add(f"{stem}{n}{tld}")
        return f"{stem}{n}{tld}"

    def email_for(self, name: str, domain: str) -> str:
        parts = [w for w in "".join(c if c.isalpha() or c == " " else "" for c in _ascii(name).lower()).split()]
        local = ".".join((parts[0], "".join(parts[1:]))) if len(parts) > 1 else (parts[0] if parts else "reviewer")
        email, n = f"{local}@{domain}", 2
        while email in self.emails:
            email, n = f"{local}{n}@{domain}", n + 1
        self.emails.add(email)
        return email

    # organizations

    def organization(self, kind: str) -> _Org:
        rng = self.rng
        indigenous = kind not in {"for_profit", "individual", "review", "iif_not_indigenous", "out_of_province"} and (
            rng.random() < SHARE_INDIGENOUS
        )
        lang = "fr" if rng.random() < SHARE_FRENCH else "en"
        weights = _WEIGHTS_INDIGENOUS if indigenous else (_WEIGHTS_FR if lang == "fr" else _WEIGHTS_EN)
        region = self.region(weights)
        place_en = rng.choice(EN_PLACES[region])
        place_fr = rng.choice(FR_PLACES[region])
        province = "ON"
        culture = "indigenous" if indigenous else lang
        webmail = rng.random() < SHARE_WEBMAIL
        bare, de = place_fr[0], place_fr[1]

        if kind == "for_profit":
            org_type = "for_profit"
            surname = rng.choice(SURNAMES[lang])
            options = (
                [f"Groupe conseil {surname} inc.", f"Formation {rng.choice(FR_COLLECTIFS)} inc."]
                if lang == "fr"
                else [f"{place_en} Consulting Inc.", f"{surname} & Associates Ltd.",
                      f"{rng.choice(EN_VIRTUES)} Training Solutions Inc.", f"{place_en} Wellness Clinic Inc."]
            )  # fmt: skip
            rng.shuffle(options)
            name = self.unique_name(options, place_en)
        elif kind == "individual":
            org_type = "individual"
            name = self.unique_name([self.person(culture)], place_en)
            webmail = True
        elif kind == "review":
            org_type = rng.choice(("municipality", "other"))
            if org_type == "municipality":
                options = (
                    [f"Ville de {rng.choice(FR_MUNICIPALITIES)}", f"Municipalité de {rng.choice(FR_MUNICIPALITIES)}"]
                    if lang == "fr"
                    else [f"City of {place_en}", f"Town of {place_en}", f"Township of {place_en}"]
                )
            else:
                options = (
                    [f"Bibliothèque publique {de}", f"Hôpital régional {de}", f"Conseil scolaire {de}"]
                    if lang == "fr"
                    else [f"{place_en} Public Library", f"{place_en} District School Board",
                          f"{place_en} Regional Hospital", f"{place_en} University Students' Union"]
                )  # fmt: skip
            rng.shuffle(options)
            name = self.unique_name(options, place_en)
        elif kind == "out_of_province":
            org_type = rng.choice(("nonprofit", "charity"))
            if lang == "fr":
                province, region = "QC", "east"
                place_en, place_fr = "Gatineau", ("Outaouais", "de l'Outaouais", "en Outaouais")
                options = [f"{core} de l'Outaouais" for core in rng.sample(FR_CORES, 4)]
            else:
                province, region = "MB", "northwest"
                place_en, place_fr = "Winnipeg", ("Winnipeg", "de Winnipeg", "à Winnipeg")
                options = [f"{p} {core}" for p in ("Winnipeg", "Manitoba") for core in rng.sample(EN_CORES, 2)]
            name = self.unique_name(options, place_en)
        elif indigenous:
            if rng.random() < 0.18:
                org_type = "indigenous_community"
                stem = f"{rng.choice(NATION_FIRST)} {rng.choice(NATION_SECOND)}"
                first = f"Première Nation de {stem}" if lang == "fr" else f"{stem} {rng.choice(NATION_KINDS)}"
                options = [first] + [
                    f"{rng.choice(NATION_FIRST)} {rng.choice(NATION_SECOND)} {k}" for k in NATION_KINDS
                ]
            else:
                org_type = "indigenous_organization"
                if lang == "fr":
                    options = [t.format(d=rng.choice(FR_PLACES[region])[1]) for t in rng.sample(FR_INDIGENOUS, 3)]
                else:
                    options = [t.format(p=rng.choice(EN_PLACES[region])) for t in rng.sample(EN_INDIGENOUS, 3)]
            name = self.unique_name(options, place_en)
        else:
            org_type = "charity" if rng.random() < 0.4 else "nonprofit"
            if lang == "fr":
                options = [
                    f"{rng.choice(FR_CORES)} {de}",
                    f"Maison d'hébergement {rng.choice(FR_MAISONS)}" if rng.random() < 0.3 else "",
                    f"Maison d'hébergement {rng.choice(FR_MAISONS)} {de}",
                    f"Collectif {rng.choice(FR_COLLECTIFS)} {de}",
                    f"{rng.choice(FR_CORES)} {rng.choice(FR_PLACES[region])[1]}",
                ]
            else:
                options = [
                    f"{place_en} {rng.choice(EN_CORES)}",
                    f"{rng.choice(EN_VIRTUES)} {rng.choice(EN_CORES)}",
                    f"{rng.choice(EN_VIRTUES)} {rng.choice(EN_CORES)} of {place_en}",
                    f"{rng.choice(EN_PLACES[region])} {rng.choice(EN_CORES)}",
                ]
            name = self.unique_name([o for o in options if o], bare if lang == "fr" else place_en)

        charity = org_type == "charity" or (org_type == "indigenous_organization" and rng.random() < 0.5)
        number = self.registration_number(charity)
        org_people = self.people(culture, 1)
        if kind == "individual":
            org_people = [name]
        if webmail:
            domain = ""
            stem = "".join(_words(name)[:2]) or "org"
            email = f"{stem}{rng.randint(1, 99)}@{rng.choice(WEBMAIL)}"
        else:
            domain = self.domain(name)
            email = f"{rng.choice(FR_LOCAL if lang == 'fr' else EN_LOCAL)}@{domain}"
        stream = "iif" if indigenous and rng.random() < 0.9 else "csf"
        yes_no = ("oui", "non") if lang == "fr" and rng.random() < 0.6 else ("yes", "no")
        return _Org(
            name=name, org_type=org_type, registration_number=number, region=region, province=province,
            indigenous=indigenous, lang=lang, culture=culture, place_en=place_en, place_fr=place_fr,
            contact_name=org_people[0], contact_email=email, domain=domain, stream=stream, yes_no=yes_no,
            people=org_people,
        )  # fmt: skip

    # applications

    def submitted(self, late: bool) -> dt.datetime:
        rng = self.rng
        if late:
            return CLOSES_AT + dt.timedelta(minutes=rng.randint(1, 72 * 60) // 5 * 5 + 5)
        days = (CLOSES_AT.date() - OPENS_AT.date()).days
        day = OPENS_AT.date() + dt.timedelta(days=min(days, int((days + 1) * rng.random() ** 0.6)))
        hour = rng.choices(_HOURS, _HOUR_WEIGHTS)[0]
        when = dt.datetime.combine(day, dt.time(hour, rng.randrange(60)))
        if when < OPENS_AT:
            when = OPENS_AT + dt.timedelta(minutes=rng.randint(1, 480))
        if when >= CLOSES_AT:
            when = CLOSES_AT - dt.timedelta(minutes=rng.randint(1, 300))
        return when

    def request(self, kind: str) -> tuple[int, int]:
        rng = self.rng
        if kind == "below_min":
            requested = rng.randrange(5_000, 24_500, 500) * 100
        elif kind == "above_max":
            requested = rng.randrange(310_000, 760_000, 10_000) * 100
        else:
            dollars = int(rng.triangular(25_000, 300_000, 90_000))
            step = rng.choices((5_000, 2_500, 1_000), (0.65, 0.25, 0.1))[0]
            requested = min(max(round(dollars / step) * step, 25_000), 300_000) * 100
            if rng.random() < 0.1 and requested > 26_000_00:
                requested -= rng.randrange(1, 100_000)
        ratio = 1.0 if rng.random() < 0.05 else rng.uniform(1.1, 2.0)
        total = int(requested * ratio)
        if rng.random() < 0.7:
            total = max(requested, total // 50_000 * 50_000)
        return requested, total

    def title_and_summary(
        self, org: _Org, duration: int, populations: list[str], partners: list[str]
    ) -> tuple[str, str]:
        rng = self.rng
        fr = org.lang == "fr"
        theme = rng.choices(_THEME_NAMES, _THEME_WEIGHTS_INDIGENOUS if org.indigenous else _THEME_WEIGHTS)[0]
        en_titles, fr_titles, en_acts, fr_acts = THEMES[theme]
        base = rng.choice(fr_titles if fr else en_titles)
        place = org.place_fr[0] if fr else org.place_en
        style = rng.random()
        if style < 0.35:
            title = base
        elif style < 0.65:
            title = f"{base} – {place}" if fr or rng.random() < 0.5 else f"{base} in {place}"
        elif style < 0.85:
            title = (
                f"Projet {rng.choice(FR_CODENAMES)} : {base}" if fr else f"Project {rng.choice(EN_CODENAMES)}: {base}"
            )
        else:
            title = f"{base} (2026-{2026 + (duration + 11) // 12})"

        population = POPULATION_PHRASES[populations[0] if populations else "women"][1 if fr else 0]
        partner = partners[0] if partners else ("nos partenaires locaux" if fr else "local partners")
        methods = list(FR_METHODS if fr else EN_METHODS)
        if org.indigenous:
            methods += FR_INDIGENOUS_METHODS if fr else EN_INDIGENOUS_METHODS
        method = rng.choice(methods).format(partner=partner, years=rng.randint(3, 40))
        if fr:
            opener = rng.choice(FR_OPENERS)
            first = f"{opener} {rng.choice(fr_acts)} pour {population} {org.place_fr[2]}, sur {duration} mois."
            last = (
                f" Les résultats seront présentés en chiffres agrégés, comme le nombre de {rng.choice(FR_INDICATORS)}, "
                "sans recueillir de renseignements sur les personnes survivantes."
            )
        else:
            opener = rng.choice(EN_OPENERS)
            first = f"{opener} {rng.choice(en_acts)} for {population} in {org.place_en} over {duration} months."
            last = (
                f" Results will be reported as aggregate counts, such as the number of {rng.choice(EN_INDICATORS)}, "
                "with no information collected about individual survivors."
            )
        summary = f"{first} {method}" + (last if rng.random() < 0.6 else "")
        return title, summary

    def application(self, org: _Org, kind: str) -> tuple[dt.datetime, list[str]]:
        rng = self.rng
        late = kind == "late"
        submitted = self.submitted(late)
        duration = rng.choice(_DURATIONS) if rng.random() < 0.75 else rng.randint(12, 36)
        regions = [org.region]
        if rng.random() < 0.05:
            regions = list(REGIONS)
        else:
            for _ in range(rng.choices((0, 1, 2), (0.6, 0.3, 0.1))[0]):
                extra = self.region(_WEIGHTS_EN)
                if extra not in regions:
                    regions.append(extra)
            regions.sort(key=REGIONS.index)
        populations = self.populations(org)
        partners = self.partners(org)
        title, summary = self.title_and_summary(org, duration, populations, partners)
        board = self.people(org.culture, rng.randint(3, 7))
        staff = self.people(org.culture, rng.randint(1, 4))
        if org.org_type == "individual":
            board, staff = [org.name], [org.name]
        elif rng.random() < 0.7 and org.contact_name not in staff:
            staff[0] = org.contact_name
        requested, total = self.request(kind)
        if rng.random() < 0.8:
            month = 5 + rng.randrange(8)  # June 2026 .. January 2027, on the first
            start = dt.date(2026 + month // 12, month % 12 + 1, 1)
        else:
            start = dt.date(2026, 6, 1) + dt.timedelta(days=rng.randrange(214))
        row = {
            "submitted_at": submitted.isoformat(timespec="seconds"),
            "organization_name": org.name,
            "organization_type": org.org_type,
            "registration_number": org.registration_number,
            "organization_region": org.region,
            "province": org.province,
            "indigenous_led": org.yes_no[0] if org.indigenous else org.yes_no[1],
            "contact_name": org.contact_name,
            "contact_email": org.contact_email,
            "board_members": "; ".join(board),
            "key_staff": "; ".join(staff),
            "partner_organizations": "; ".join(partners),
            "project_title": title,
            "project_summary": summary,
            "stream": "iif" if kind == "iif_not_indigenous" else org.stream,
            "regions_served": "; ".join(regions),
            "populations_served": "; ".join(populations),
            "requested_amount": _money(requested),
            "total_budget": _money(total),
            "start_date": start.isoformat(),
            "duration_months": str(duration),
            "language": org.lang,
        }
        self.plant(row, kind, org)
        org.people.extend(board + staff)
        return submitted, [row.get(column, "") for column in APPLICATION_COLUMNS]

    def populations(self, org: _Org) -> list[str]:
        rng = self.rng
        picks = rng.sample(("women", "girls", "youth", "youth_in_care", "2slgbtqqia", "newcomers", "migrant_workers",
                            "people_with_disabilities", "rural_and_remote", "men_and_boys", "families"),
                           rng.randint(1, 3))  # fmt: skip
        if org.indigenous:
            picks.insert(0, rng.choice(("indigenous_women_and_girls", "indigenous_youth")))
        if org.lang == "fr" and rng.random() < 0.6:
            picks.append("francophones")
        return sorted(set(picks), key=POPULATIONS.index)

    def partners(self, org: _Org) -> list[str]:
        rng = self.rng
        n = rng.choices((0, 1, 2, 3), (0.15, 0.35, 0.35, 0.15))[0]
        if org.lang == "fr":
            options = [t.format(d=org.place_fr[1]) for t in FR_PARTNERS]
        else:
            options = [t.format(p=org.place_en) for t in EN_PARTNERS]
        return rng.sample(options, n)

    def plant(self, row: dict[str, str], kind: str, org: _Org) -> None:
        rng = self.rng
        fr = org.lang == "fr"
        if kind == "formula":
            prefix = rng.choice(FORMULA_PREFIXES)
            target = "project_title" if rng.random() < 0.5 else "project_summary"
            row[target] = f"{prefix} {row[target]}"
        elif kind == "no_summary":
            row["project_summary"] = ""
        elif kind == "short_summary":
            row["project_summary"] = rng.choice(FR_SHORT_SUMMARIES if fr else EN_SHORT_SUMMARIES)
        elif kind == "no_board":
            row["board_members"] = ""
        elif kind == "no_staff":
            row["key_staff"] = ""
        elif kind == "no_populations":
            row["populations_served"] = ""
        elif kind == "bad_email":
            row["contact_email"] = "info@@example"
        elif kind == "bad_region":
            row["regions_served"] = f"{row['regions_served']}; yukon"
        elif kind == "bad_amount":
            row["requested_amount"] = "cent mille"
        elif kind == "bad_stream":
            row["stream"] = "xyz"
        elif kind == "bad_language":
            row["language"] = "es"
        elif kind == "bad_duration":
            row["duration_months"] = "0"


def _reviewers(
    b: _Builder, count: int, sources: list[_Org], boards: list[list[str]], applicant_people: set[str]
) -> list[list[str]]:
    """Reviewer rows; a few are tied to applicants so conflict detection has something to find."""
    rng = b.rng
    ties: list[str] = []
    if sources and count >= 10:
        per_kind = max(1, round(count * SHARE_REVIEWER_TIE))
        ties = ["exact"] * per_kind + ["near"] * per_kind + ["domain"] * per_kind + ["board"] * per_kind
    ties = ties[:count] + ["none"] * max(0, count - len(ties))
    rng.shuffle(ties)
    with_domain = [i for i, org in enumerate(sources) if org.domain]
    rows: list[list[str]] = []
    for tie in ties:
        culture = rng.choices(("en", "fr", "indigenous"), (0.55, 0.3, 0.15))[0]
        name = b.person(culture)
        if tie != "board":
            for _ in range(20):  # keep accidental exact name matches with applicants' people out
                if name not in applicant_people:
                    break
                name = b.person(culture)
            else:
                given, surname = name.split(" ", 1)
                name = f"{given} {rng.choice('ABCDEFGHJKLMNPRSTVW')}. {surname}"
        affiliation, domain = rng.choice(REVIEWER_AFFILIATIONS)
        if tie in {"exact", "near"}:
            org = rng.choice(sources)
            affiliation, domain = org.name, ""
            if tie == "near":
                affiliation = _near_name(rng, org.name)
        elif tie == "domain" and with_domain:
            org = sources[rng.choice(with_domain)]
            domain = org.domain
            affiliation = "Consultante indépendante" if org.lang == "fr" else "Independent consultant"
        elif tie == "board":
            index = rng.randrange(len(sources))
            name = rng.choice(boards[index] or sources[index].people)
        email = b.email_for(name, domain or rng.choice(WEBMAIL))
        reads_fr = rng.random() < (0.95 if culture == "fr" else 0.12)
        languages = (
            ("fr" if rng.random() < 0.15 else "en; fr")
            if reads_fr and culture == "fr"
            else ("en; fr" if reads_fr else "en")
        )
        indigenous = rng.random() < (0.9 if culture == "indigenous" else 0.08)
        tags = set(rng.sample(EXPERTISE, rng.randint(1, 4)))
        if indigenous and rng.random() < 0.8:
            tags.add("indigenous_healing")
        regions = list(REGIONS) if rng.random() < 0.1 else rng.sample(REGIONS, rng.randint(1, 3))
        rows.append([
            name, email, affiliation, "; ".join(sorted(tags, key=EXPERTISE.index)), languages,
            "yes" if indigenous else "no", str(min(40, max(8, int(rng.triangular(8, 40, 15))))),
            "; ".join(sorted(regions, key=REGIONS.index)),
        ])  # fmt: skip
    return rows


def _near_name(rng: random.Random, name: str) -> str:
    variants = [f"{name} Inc.", name.lower(), f"The {name}", _ascii(name).upper(), f"{name}, Inc."]
    if " and " in name:
        variants.append(name.replace(" and ", " & "))
    if "'" in name:
        variants.append(name.replace("'", "’"))
    return rng.choice(variants)


def _write(path: Path, header: Sequence[str], rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def generate(out_dir: Path, *, applications: int, reviewers: int, seed: int) -> SynthSummary:
    """Write call.toml, applications.csv, reviewers.csv and conflicts.csv into ``out_dir``.

    Shares of ``applications`` rows: ~1% exact duplicates and ~2% malformed (invalid), ~12% ineligible,
    ~3% municipality/other (needs review), ~0.5% formula-looking text, ~5% repeat applicants.
    """
    if applications < 0 or reviewers < 0:
        raise ValueError("applications and reviewers must not be negative")
    out_dir.mkdir(parents=True, exist_ok=True)
    b = _Builder(seed)
    rng = b.rng

    n = applications
    duplicates = _count(n, SHARE_DUPLICATE, 1)
    malformed = _count(n, SHARE_MALFORMED, 1)
    ineligible = _count(n, SHARE_INELIGIBLE, 1)
    review = _count(n, SHARE_REVIEW, 1)
    formula = _count(n, SHARE_FORMULA, 2)
    repeat = _count(n, SHARE_REPEAT, 1)
    base = n - duplicates
    kinds = (
        [MALFORMED_KINDS[i % len(MALFORMED_KINDS)] for i in range(malformed)]
        + [INELIGIBLE_KINDS[i % len(INELIGIBLE_KINDS)] for i in range(ineligible)]
        + ["review"] * review
        + ["formula"] * formula
        + ["repeat"] * repeat
    )[:base]
    kinds += ["normal"] * (base - len(kinds))
    rng.shuffle(kinds)

    orgs: list[_Org | None] = [None if k == "repeat" else b.organization(k) for k in kinds]
    normal_orgs = [org for org, k in zip(orgs, kinds, strict=True) if org is not None and k == "normal"]
    built: list[tuple[dt.datetime, int, str, _Org, list[str]]] = []
    for i, kind in enumerate(kinds):
        org = orgs[i]
        if org is None:
            org = rng.choice(normal_orgs) if normal_orgs else b.organization("normal")
        when, row = b.application(org, "normal" if kind == "repeat" else kind)
        built.append((when, i, kind, org, row))
    built.sort(key=lambda item: (item[0], item[1]))

    number = rng.randint(100, 900)
    for _, _, kind, _, row in built:
        row[0] = "" if kind == "no_external_id" else f"PORTAL-{number:06d}"
        number += rng.randint(1, 4)

    # Exact copies of clean rows, placed somewhere after their original.
    clean = [i for i, item in enumerate(built) if item[2] == "normal"]
    after: dict[int, list[list[str]]] = {}
    for source in rng.sample(clean, min(duplicates, len(clean))):
        after.setdefault(rng.randrange(source, len(built)), []).append(list(built[source][4]))
    rows: list[list[str]] = []
    for i, item in enumerate(built):
        rows.append(item[4])
        rows.extend(after.get(i, []))
    planted_duplicates = sum(len(copies) for copies in after.values())

    malformed_set = set(MALFORMED_KINDS)
    valid = [item for item in built if item[2] not in malformed_set]
    tie_sources = [item for item in valid if item[2] in {"normal", "formula", "repeat"}]
    boards = [item[4][APPLICATION_COLUMNS.index("board_members")].split("; ") for item in tie_sources]
    applicant_people = {person for item in built for person in item[3].people}
    reviewer_rows = _reviewers(b, reviewers, [item[3] for item in tie_sources], boards, applicant_people)

    conflict_rows: list[list[str]] = []
    wanted = round(reviewers / 5)
    if valid and reviewer_rows:
        seen: set[tuple[str, str]] = set()
        for _ in range(wanted * 20):
            if len(conflict_rows) == wanted:
                break
            reviewer = rng.choice(reviewer_rows)
            external_id = rng.choice(valid)[4][0]
            if (reviewer[1], external_id) in seen:
                continue
            seen.add((reviewer[1], external_id))
            lang = "fr" if "fr" in reviewer[4] and rng.random() < 0.6 else "en"
            conflict_rows.append([reviewer[1], external_id, rng.choice(CONFLICT_REASONS[lang])])

    call_file = out_dir / "call.toml"
    call_file.write_bytes((files("grants") / "data" / "csf-2026.toml").read_bytes())
    applications_file = out_dir / "applications.csv"
    reviewers_file = out_dir / "reviewers.csv"
    conflicts_file = out_dir / "conflicts.csv"
    _write(applications_file, APPLICATION_COLUMNS, rows)
    _write(reviewers_file, REVIEWER_COLUMNS, reviewer_rows)
    _write(conflicts_file, CONFLICT_COLUMNS, conflict_rows)
    return SynthSummary(
        call_file=call_file,
        applications_file=applications_file,
        reviewers_file=reviewers_file,
        conflicts_file=conflicts_file,
        applications=len(rows),
        planted_invalid=sum(1 for k in kinds if k in malformed_set) + planted_duplicates,
        planted_ineligible=sum(1 for k in kinds if k in INELIGIBLE_KINDS),
        reviewers=len(reviewer_rows),
        conflicts=len(conflict_rows),
    )
