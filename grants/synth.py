"""Seeded synthetic call data: the call file, applications, reviewers and declared conflicts.

Everything comes from one ``random.Random(seed)``, so the same seed writes byte-identical files.
Problems are planted on purpose (see :func:`generate`) so intake, screening and conflict
detection have real work to do. The data is about organizations and projects, never about a survivor.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
import re
import unicodedata
from bisect import bisect
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib.resources import files
from itertools import accumulate
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


def _pool(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split("|"))


APPLICATION_COLUMNS = _pool(
    "external_id|submitted_at|organization_name|organization_type|registration_number|organization_region|"
    "province|indigenous_led|contact_name|contact_email|board_members|key_staff|partner_organizations|"
    "project_title|project_summary|stream|regions_served|populations_served|requested_amount|total_budget|"
    "start_date|duration_months|language"
)
REVIEWER_COLUMNS = _pool("name|email|affiliation|expertise|languages|indigenous_expertise|max_load|regions")
CONFLICT_COLUMNS = _pool("reviewer_email|external_id|reason")

REGIONS = _pool("toronto|central|east|west|northeast|northwest")
EXPERTISE = _pool(
    "survivor_services|youth|housing|legal|health|indigenous_healing|labour_trafficking|training|evaluation|awareness"
)
POPULATIONS = _pool(
    "women|girls|youth|youth_in_care|2slgbtqqia|newcomers|migrant_workers|indigenous_women_and_girls|"
    "indigenous_youth|francophones|people_with_disabilities|rural_and_remote|men_and_boys|families"
)

# Planted problems, cycled in this order so a small call still gets varied ones.
MALFORMED_KINDS = _pool("bad_email|bad_region|bad_amount|bad_stream|bad_language|no_external_id|bad_duration")
INELIGIBLE_KINDS = _pool(
    "for_profit|late|below_min|iif_not_indigenous|no_summary|out_of_province|above_max|individual|no_board|"
    "no_staff|short_summary|no_populations"
)
FORMULA_PREFIXES = ('=HYPERLINK("http://example.org","Cliquez ici")', "=SUM(A1:A10)", "@SUM(1,1)", "+1+1", "-1+1")
# The one malformed value each invalid kind plants (bad_region adds it to regions_served).
MALFORMED_VALUES = {
    "bad_email": ("contact_email", "info@@example"),
    "bad_region": ("regions_served", "yukon"),
    "bad_amount": ("requested_amount", "cent mille"),
    "bad_stream": ("stream", "xyz"),
    "bad_language": ("language", "es"),
    "no_external_id": ("external_id", ""),
    "bad_duration": ("duration_months", "0"),
}

# Shares of the applications file (rounded; see _count for small calls).
SHARE_DUPLICATE = 0.01
SHARE_MALFORMED = 0.02
SHARE_INELIGIBLE = 0.12
SHARE_REVIEW = 0.03
SHARE_FORMULA = 0.005
SHARE_REPEAT = 0.05
SHARE_FRENCH = 0.25
SHARE_INDIGENOUS = 0.36  # of ordinary applicants; 90% of them apply to iif, about 28% of all rows
SHARE_WEBMAIL = 0.08
SHARE_REVIEWER_TIE = 0.04  # of reviewers, for each tie: same name, near name, same e-mail domain, board member

OPENS_AT = dt.datetime(2026, 1, 12, 9, 0)
CLOSES_AT = dt.datetime(2026, 3, 13, 17, 0)

# -- word pools -----------------------------------------------------------------------------

REGION_WEIGHTS = {
    "en": (27, 27, 14, 18, 8, 6),
    "fr": (14, 7, 34, 8, 30, 7),
    "indigenous": (14, 10, 12, 14, 22, 28),
}
EN_PLACES = {
    "toronto": _pool(
        "Toronto|Scarborough|Etobicoke|North York|East York|Parkdale|Regent Park|Greater Toronto|Downtown Toronto|"
        "Rexdale"
    ),
    "central": _pool(
        "Peel|Mississauga|Brampton|York Region|Durham|Oshawa|Barrie|Simcoe County|Newmarket|Muskoka|Halton|"
        "Orangeville|Markham|Georgina"
    ),
    "east": _pool(
        "Ottawa|Kingston|Cornwall|Belleville|Peterborough|Brockville|Pembroke|Renfrew County|Quinte|"
        "Eastern Ontario|Lanark County"
    ),
    "west": _pool(
        "London|Windsor|Hamilton|Kitchener|Waterloo Region|Guelph|Niagara|Sarnia|Brantford|Chatham-Kent|"
        "Owen Sound|Southwestern Ontario|Stratford"
    ),
    "northeast": _pool(
        "Sudbury|North Bay|Timmins|Sault Ste. Marie|Kapuskasing|Cochrane|Temiskaming|Nipissing|Elliot Lake|"
        "Moosonee|Northern Ontario|Manitoulin"
    ),
    "northwest": _pool(
        "Thunder Bay|Kenora|Dryden|Sioux Lookout|Fort Frances|Marathon|Red Lake|Geraldton|Northwestern Ontario|"
        "Rainy River"
    ),
}


def _fr_places(text: str) -> tuple[tuple[str, str, str], ...]:
    """'Bare / de-form / à-form' triples, so French sentences read correctly."""
    triples = []
    for entry in _pool(text):
        bare, de, at = (part.strip() for part in entry.split("/"))
        triples.append((bare, de, at))
    return tuple(triples)


FR_PLACES = {
    "toronto": _fr_places(
        "Toronto/de Toronto/à Toronto|Grand Toronto/du Grand Toronto/dans le Grand Toronto|"
        "Scarborough/de Scarborough/à Scarborough|North York/de North York/à North York|"
        "Etobicoke/d'Etobicoke/à Etobicoke|East York/d'East York/à East York|Rexdale/de Rexdale/à Rexdale"
    ),
    "central": _fr_places(
        "Penetanguishene/de Penetanguishene/à Penetanguishene|Huronie/de la Huronie/en Huronie|"
        "Peel/de Peel/dans la région de Peel|Durham/de Durham/dans la région de Durham|Barrie/de Barrie/à Barrie|"
        "Mississauga/de Mississauga/à Mississauga|Oshawa/d'Oshawa/à Oshawa"
    ),
    "east": _fr_places(
        "Ottawa/d'Ottawa/à Ottawa|Cornwall/de Cornwall/à Cornwall|Hawkesbury/de Hawkesbury/à Hawkesbury|"
        "Prescott-Russell/de Prescott-Russell/dans Prescott-Russell|Est ontarien/de l'Est ontarien/dans l'Est ontarien|"
        "Kingston/de Kingston/à Kingston|Orléans/d'Orléans/à Orléans|Rockland/de Rockland/à Rockland|"
        "Casselman/de Casselman/à Casselman|Alexandria/d'Alexandria/à Alexandria|Embrun/d'Embrun/à Embrun"
    ),
    "west": _fr_places(
        "Windsor-Essex/de Windsor-Essex/dans Windsor-Essex|Welland/de Welland/à Welland|"
        "Niagara/du Niagara/dans la région du Niagara|London/de London/à London|Hamilton/de Hamilton/à Hamilton|"
        "Sud-Ouest/du Sud-Ouest/dans le Sud-Ouest|Tecumseh/de Tecumseh/à Tecumseh"
    ),
    "northeast": _fr_places(
        "Nord-Est/du Nord-Est/dans le Nord-Est|Sudbury/de Sudbury/à Sudbury|"
        "Grand Sudbury/du Grand Sudbury/dans le Grand Sudbury|Hearst/de Hearst/à Hearst|"
        "Kapuskasing/de Kapuskasing/à Kapuskasing|Timmins/de Timmins/à Timmins|North Bay/de North Bay/à North Bay|"
        "Sault-Sainte-Marie/de Sault-Sainte-Marie/à Sault-Sainte-Marie|Kirkland Lake/de Kirkland Lake/à Kirkland Lake|"
        "Sturgeon Falls/de Sturgeon Falls/à Sturgeon Falls|Chapleau/de Chapleau/à Chapleau|"
        "Mattawa/de Mattawa/à Mattawa|Elliot Lake/d'Elliot Lake/à Elliot Lake"
    ),
    "northwest": _fr_places(
        "Nord-Ouest/du Nord-Ouest/dans le Nord-Ouest|Thunder Bay/de Thunder Bay/à Thunder Bay|"
        "Kenora/de Kenora/à Kenora|Dryden/de Dryden/à Dryden|Geraldton/de Geraldton/à Geraldton|"
        "Marathon/de Marathon/à Marathon|Sioux Lookout/de Sioux Lookout/à Sioux Lookout|"
        "Fort Frances/de Fort Frances/à Fort Frances|Red Lake/de Red Lake/à Red Lake|Nipigon/de Nipigon/à Nipigon|"
        "Longlac/de Longlac/à Longlac|Manitouwadge/de Manitouwadge/à Manitouwadge|Atikokan/d'Atikokan/à Atikokan|"
        "Terrace Bay/de Terrace Bay/à Terrace Bay"
    ),
}

GIVEN = {
    "en": _pool(
        "Sarah|Michael|Priya|Jennifer|David|Aisha|Daniel|Emily|Kevin|Grace|Omar|Rachel|Jason|Mei|Tyler|Hannah|Amir|"
        "Leah|Marcus|Olivia|Samira|Nathan|Chloe|Ravi|Fatima|Ethan|Jasmine|Liam|Zoe|Andre|Beverley|Colin|Deborah|"
        "Farah|Gurpreet|Heather|Imani|Joanne|Kwame|Linda|Naveen|Patricia|Rebecca|Simone|Teresa|Yusuf|Wendy|Adrian|"
        "Bronwyn|Declan"
    ),
    "fr": _pool(
        "Marie-Claude|Julie|Sylvie|Isabelle|Geneviève|Chantal|Nathalie|Mélanie|Josée|Annie|Luc|Mathieu|Étienne|"
        "François|Jean-Philippe|Denis|Guy|Stéphane|Émilie|Karine|Hélène|Lise|Amélie|Olivier|Sébastien|Manon|"
        "Valérie|Benoît|Rachelle|Aïcha|Marie-Ève|Claudette|Yves|Ginette|Pierre-Luc|Francine|Mireille|Réjean|"
        "Monique|Dominique|Fatou|Jocelyne|Normand|Solange|Carole|Marc-André|Danielle|Martine|Gilles|Noémie"
    ),
    "indigenous": _pool(
        "Tanya|Rosalie|Jordan|Faye|Shelby|Wanda|Charlene|Clayton|Wesley|Dakota|Leona|Sheldon|Autumn|Wade|Cheyenne|"
        "Darlene|Skye|Raven|Lorna|Winona|Tanis|Marlene|Harvey|Doreen|Elijah|Sadie|Travis|Georgina|Mosha|Annie|"
        "Pauloosie|Leetia|Jonah|Bernice|Cody|Mariah|Kyle|Stella|Darryl|Geraldine"
    ),
}
SURNAMES = {
    "en": _pool(
        "Thompson|MacDonald|Patel|Nguyen|Singh|Campbell|O'Brien|Wilson|Chen|Kowalski|Martin|Ahmed|Fraser|Robinson|"
        "Hughes|Kaur|Stewart|Li|Morrison|Ferreira|Osei|Bennett|Sullivan|Grant|Young|Walsh|Ramirez|Park|Davies|"
        "Mensah|Abdi|Baptiste|Chowdhury|Doherty|Ellis|Fitzgerald|Gill|Haddad|Ibrahim|Jackson|Kim|Lopes|McKenzie|"
        "Novak|Okafor|Pereira|Quinn|Reid|Santos|Tran|Vasquez|Wong|Yilmaz|Zhang|Armstrong|Brooks|Clarke|Dhillon|"
        "Evans|Forsythe"
    ),
    "fr": _pool(
        "Lavoie|Gagnon|Tremblay|Côté|Bélanger|Lefebvre|Pelletier|Bouchard|Gauthier|Roy|Morin|Lalonde|Séguin|"
        "Charbonneau|Dubois|Lachance|Brisebois|Lévesque|Thériault|Desjardins|Paquette|Ouellette|Proulx|Giroux|"
        "Bourgeois|Bisson|Lacroix|Hébert|Cloutier|Rainville|Bergeron|Chartrand|Dallaire|Émond|Fortin|Girard|Houle|"
        "Jolicoeur|Labelle|Marleau|Nadeau|Poirier|Quesnel|Racine|Sauvé|Tessier|Vaillancourt|Diallo|Ndiaye|Joseph"
    ),
    "indigenous": _pool(
        "Fiddler|Meekis|Kakegamic|Beardy|Sakanee|Moonias|Wabasse|Keesick|Mamakwa|Nanokeesic|Rae|Big Canoe|Commanda|"
        "Assinewe|Manitowabi|Corbiere|McLeod|Nahwegahbow|Solomon|Wesley|Linklater|Koostachin|Sutherland|Kataquapit|"
        "Wheesk|Metatawabin|Tookate|Arnaq|Kilabuk|Akulukjuk|Pitseolak|Ootoova|Ipeelee|Nowdlak|Etok|Fontaine|"
        "Laliberte|Chartier|Desmoulin|Trudeau|Bird|Redsky|Kejick|Pelletier|Beaver|Quisses|Jacko|Peltier|Naponse|"
        "Recollet"
    ),
}
# Whose names sit on an organization's board and staff, by the organization's culture.
PEOPLE_MIX = {
    "en": _pool("en|en|en|en|en|en|en|fr|indigenous|indigenous"),
    "fr": _pool("fr|fr|fr|fr|fr|fr|fr|en|en|indigenous"),
    "indigenous": _pool("indigenous|indigenous|indigenous|indigenous|indigenous|indigenous|indigenous|en|en|fr"),
}
# Every given name with every surname, built once: one draw per person on the hot path.
FULL_NAMES = {culture: tuple(f"{g} {s}" for g in GIVEN[culture] for s in SURNAMES[culture]) for culture in GIVEN}
MIXED_NAMES = {culture: tuple(n for c in mix for n in FULL_NAMES[c]) for culture, mix in PEOPLE_MIX.items()}

EN_CORES = _pool(
    "Women's Shelter|Youth Services|Community Services|Survivors Network|Anti-Trafficking Coalition|Family Services|"
    "Sexual Assault Centre|Victim Services|Community Legal Clinic|Multicultural Centre|Immigrant Services|"
    "Community Health Centre|Youth Outreach Centre|Women's Centre|Housing Collaborative|Crisis Centre|"
    "Counselling Centre|Settlement Services|Rape Crisis Centre|Street Outreach Services|Transition House|"
    "Survivor Support Network|Newcomer Women's Services|Migrant Worker Support Centre"
)
EN_VIRTUES = _pool(
    "Safe Harbour|New Dawn|Bright Path|Open Door|Hope Haven|Second Light|True North|Clear Water|Stepping Stone|"
    "Rising Tide|Lighthouse|Compass|Anchor|Willow|Cedar Grove|Northern Lights|Beacon|Kindred|Haven House|Pathways|"
    "Bridges|Harbourview|Sunrise|Evergreen"
)
FR_CORES = _pool(
    "Centre des femmes francophones|Réseau des services aux victimes|Réseau d'entraide des femmes|"
    "Centre de santé communautaire|Carrefour des femmes|Association jeunesse|Clinique juridique francophone|"
    "Centre d'aide et de lutte contre les agressions à caractère sexuel|Centre francophone|"
    "Service d'aide aux personnes immigrantes|Centre de counseling|Maison des jeunes|"
    "Coalition contre la traite des personnes|Regroupement des intervenantes|Services communautaires|"
    "Centre de ressources pour les familles|Réseau communautaire|Centre d'accueil et d'orientation|Centre de femmes|"
    "Maison des femmes|Centre de prévention des agressions|Centre d'intervention jeunesse|"
    "Service d'accompagnement juridique|Centre d'entraide|Regroupement des femmes|Association des familles|"
    "Centre de soutien aux victimes|Coopérative de services communautaires|Réseau jeunesse|"
    "Centre multiculturel francophone"
)
FR_MAISONS = _pool(
    "L'Escale|Le Phare|La Passerelle|Horizon|L'Oasis|Le Havre|La Source|L'Envolée|Le Nid|La Traversée|Aurore|"
    "Soleil levant|L'Accueil|Le Refuge|La Boussole|L'Éclaircie|Le Tournant|La Clairière|Le Relais|La Rose des vents"
)
FR_COLLECTIFS = _pool("Boussole|Lanterne|Ancrage|Envol|Boréal|Tremplin|Solidarité|Entre-femmes|Espoir|Éveil|Racines")
EN_INDIGENOUS = _pool(
    "{p} Indigenous Friendship Centre|{p} Native Friendship Centre|{p} Native Women's Association|"
    "{p} Indigenous Youth Lodge|{p} Métis Council|{p} Inuit Family Resource Centre|{p} Urban Indigenous Health Circle|"
    "{p} Two-Spirit Wellness Circle|Anishinaabe Healing Lodge of {p}|{p} Indigenous Women's Healing Lodge|"
    "{p} Indigenous Family Services|{p} Métis Family Wellbeing Centre"
)
NATION_FIRST = _pool(
    "Cedar|Birch|Tamarack|Spruce|White Pine|Sweetgrass|Loon|Otter|Caribou|Heron|Marten|Kingfisher|Pickerel|Raven|"
    "Blueberry|Balsam|Muskrat|Osprey|Poplar|Granite|Jackpine|Fireweed|Snowshoe|Cranberry|Willow|Red Cedar|"
    "Silver Birch|Clearwater|Stoney|Wild Goose"
)
EN_INDIGENOUS_NATIONS = _pool(
    "Anishinaabe|Cree|Oji-Cree|Métis|Inuit|Haudenosaunee|Urban Indigenous|Indigenous|Native|First Nations"
)
EN_INDIGENOUS_CORES = _pool(
    "Friendship Centre|Family Services|Healing Lodge|Youth Lodge|Women's Circle|Wellness Centre|"
    "Family Support Circle|Health Access Centre|Women's Association|Youth Council|Community Services|Cultural Centre"
)
EN_INDIGENOUS_VIRTUES = _pool(
    "Seven Generations|Eagle Feather|Sacred Fire|Medicine Wheel|Strong Earth Woman|Turtle Island|Morning Star|"
    "Thunderbird|Grandmother Moon|Sweetgrass|Red Willow|Northern Star"
)
FR_INDIGENOUS_CORES = _pool(
    "Centre d'amitié autochtone|Conseil des Métis|Association des femmes autochtones|Cercle de guérison autochtone|"
    "Centre de ressources inuit|Services à la famille autochtone|Cercle de mieux-être autochtone|"
    "Centre de santé autochtone|Maison de guérison autochtone|Services aux jeunes autochtones|"
    "Conseil des femmes métisses|Centre culturel autochtone"
)
FR_INDIGENOUS_VIRTUES = _pool(
    "Sept Générations|Plume d'aigle|Feu sacré|Roue de médecine|Île de la Tortue|Étoile du matin|Grand-mère Lune|"
    "Foin d'odeur"
)
NATION_SECOND = _pool("Lake|River|Bay|Narrows|Point|Falls|Rapids|Portage|Island|Creek|Hills")
NATION_KINDS = _pool("First Nation|Anishinaabek|Cree Nation|Ojibway Nation")
QC_PLACES = _pool("de l'Outaouais|de Gatineau|d'Aylmer|de Hull|du Pontiac|de Papineau|de Buckingham")
MB_PLACES = _pool("Winnipeg|Manitoba|Brandon|Steinbach|Selkirk|Portage la Prairie|Eastman|Interlake")
FR_MUNICIPALITIES = _pool(
    "Hearst|Kapuskasing|Casselman|Hawkesbury|Mattawa|Chapleau|Penetanguishene|Clarence-Rockland|Smooth Rock Falls|"
    "Moonbeam"
)

EN_LOCAL = _pool("info|admin|ed|programs|office|contact|grants|hello")
FR_LOCAL = _pool("direction|info|coordination|administration|accueil|programmes")
WEBMAIL = _pool("gmail.com|outlook.com|hotmail.com|yahoo.ca")
_STOPWORDS = frozenset(_pool("de|des|du|la|le|les|l|d|et|of|the|and|for|a|au|aux|en|inc|s|ltd"))

# Invented affiliations; "" means the reviewer uses a webmail address.
REVIEWER_AFFILIATIONS = tuple(
    tuple(entry.split("/"))
    for entry in _pool(
        "Lakeshore University, School of Social Work/lakeshoreu.ca|"
        "Université Champlain, École de service social/uchamplain.ca|Collège des Grands Lacs/cgl.on.ca|"
        "Ontario Institute for Trauma-Informed Practice/oitip.ca|"
        "Centre de recherche en violence et santé/crvs-recherche.ca|"
        "Great Lakes Indigenous Health Research Circle/glihrc.ca|Provincial Victim Services Network/pvsn-network.ca|"
        "Cercle autochtone de recherche et d'évaluation/care-autochtone.ca|"
        "Ontario Public Health Collaborative/ophc-collab.ca|Frontline Training Institute/frontline-institute.ca|"
        "Institut franco-ontarien d'études sociales/ifoes.ca|"
        "Southwest Regional Hospital, Social Work Department/swrh-hospital.ca|"
        "Northern Shield College/northernshield.on.ca|Metro Labour Rights Centre/metrolabourrights.ca|"
        "Independent evaluator/|Évaluatrice indépendante/|Retired Crown counsel/"
    )
)
CONFLICT_REASONS = {
    "en": _pool(
        "Former employee of the applicant (2023)|Sits on the applicant's board of directors|"
        "Close family member works for the applicant|Helped write the proposal's evaluation plan|"
        "Paid consultant to the applicant in the last two years|Volunteer with the applicant organization|"
        "Board member of a partner organization|Personal friendship with the executive director"
    ),
    "fr": _pool(
        "Membre du conseil d'administration de l'organisme partenaire|Ancienne employée de l'organisme (2022)|"
        "Lien familial avec la directrice générale|A contribué à la rédaction de la proposition|"
        "Consultant rémunéré par l'organisme au cours des deux dernières années|Bénévole au sein de l'organisme"
    ),
}


@dataclass(frozen=True)
class _Theme:
    weight: int
    weight_indigenous: int
    titles_en: tuple[str, ...]
    titles_fr: tuple[str, ...]
    acts_en: tuple[str, ...]
    acts_fr: tuple[str, ...]


THEMES = (
    _Theme(
        18,
        18,
        _pool(
            "Survivor Support Hub|Wraparound Support for Survivors|Trauma-Informed Case Management|"
            "Peer Mentorship for Survivors|After-Hours Crisis Support|Pathways to Safety"
        ),
        _pool(
            "Carrefour de soutien aux personnes survivantes|Soutien global aux personnes survivantes|"
            "Gestion de cas tenant compte des traumatismes|Mentorat par les pairs pour les personnes survivantes|"
            "Soutien de crise en dehors des heures de bureau|Chemins vers la sécurité"
        ),
        _pool(
            "expand trauma-informed case management and crisis counselling|"
            "open a drop-in hub offering counselling, basic needs and referrals|"
            "provide wraparound support, including counselling, income support and employment referrals|"
            "add after-hours crisis support and safety planning"
        ),
        _pool(
            "élargir la gestion de cas et l'intervention de crise tenant compte des traumatismes|"
            "ouvrir un centre d'accueil offrant counseling, aide matérielle et orientation|"
            "offrir un soutien global, notamment du counseling, de l'aide au revenu et de l'orientation vers l'emploi|"
            "ajouter un service d'intervention de crise et de planification de la sécurité le soir et la fin de semaine"
        ),
    ),
    _Theme(
        16,
        16,
        _pool(
            "Youth Outreach and Prevention|Safe Online Spaces for Youth|Street Outreach to At-Risk Youth|"
            "School-Based Prevention Workshops|Youth Peer Leaders"
        ),
        _pool(
            "Prévention et intervention auprès des jeunes|Espaces en ligne sécuritaires pour les jeunes|"
            "Travail de rue auprès des jeunes à risque|Ateliers de prévention en milieu scolaire|Jeunes leaders pairs"
        ),
        _pool(
            "deliver street and online outreach|run prevention workshops in schools and community centres|"
            "train youth peer leaders to recognize online recruitment tactics|"
            "create safe after-school spaces with trusted adults"
        ),
        _pool(
            "mener des activités de travail de rue et d'intervention en ligne|"
            "animer des ateliers de prévention dans les écoles et les centres communautaires|"
            "former des jeunes leaders pairs à reconnaître les tactiques de recrutement en ligne|"
            "créer des espaces sécuritaires après l'école avec des adultes de confiance"
        ),
    ),
    _Theme(
        14,
        8,
        _pool(
            "Front-Line Worker Training|Recognize and Respond: Training for Health Care Staff|"
            "Hospitality Sector Awareness Training|Trauma-Informed Practice Training Series"
        ),
        _pool(
            "Formation du personnel de première ligne|Reconnaître et agir : formation du personnel de la santé|"
            "Formation de sensibilisation pour le secteur de l'hôtellerie|"
            "Série de formations sur les pratiques tenant compte des traumatismes"
        ),
        _pool(
            "train front-line workers in shelters, hospitals and schools to recognize and respond to trafficking|"
            "develop a bilingual e-learning course for front-line staff|"
            "deliver trauma-informed practice training to hotel, transit and health care staff"
        ),
        _pool(
            "former le personnel de première ligne des refuges, des hôpitaux et des écoles à reconnaître la traite|"
            "concevoir un cours en ligne bilingue pour le personnel de première ligne|"
            "offrir une formation sur les pratiques tenant compte des traumatismes au personnel de l'hôtellerie, "
            "du transport et de la santé"
        ),
    ),
    _Theme(
        12,
        12,
        _pool(
            "Transitional Housing Pilot|Safe Beds and Transitional Housing|Second-Stage Housing Expansion|"
            "Housing First for Survivors"
        ),
        _pool(
            "Projet pilote de logement de transition|Lits sécuritaires et logement de transition|"
            "Agrandissement du logement de deuxième étape|Logement d'abord pour les personnes survivantes"
        ),
        _pool(
            "add transitional housing units with on-site support|"
            "provide safe emergency beds and a path to second-stage housing|"
            "help survivors find and keep stable housing through landlord partnerships"
        ),
        _pool(
            "ajouter des logements de transition avec soutien sur place|"
            "offrir des lits d'urgence sécuritaires et un accès au logement de deuxième étape|"
            "aider les personnes survivantes à trouver et à garder un logement stable grâce à des propriétaires "
            "partenaires"
        ),
    ),
    _Theme(
        3,
        30,
        _pool(
            "Land-Based Healing Program|Culturally Grounded Healing Circles|"
            "Elders and Knowledge Keepers Healing Program|Strong Spirit, Safe Journey"
        ),
        _pool(
            "Programme de guérison axé sur le territoire|Cercles de guérison ancrés dans la culture|"
            "Programme de guérison avec les aînés et les gardiens du savoir|Esprit fort, parcours sûr"
        ),
        _pool(
            "offer land-based healing and ceremony led by Elders and Knowledge Keepers|"
            "deliver culturally grounded healing circles and traditional teachings|"
            "connect survivors with cultural supports, language and community"
        ),
        _pool(
            "offrir des activités de guérison sur le territoire et des cérémonies animées par des aînés|"
            "animer des cercles de guérison ancrés dans la culture et des enseignements traditionnels|"
            "relier les personnes survivantes à des soutiens culturels, à leur langue et à leur communauté"
        ),
    ),
    _Theme(
        10,
        6,
        _pool(
            "Legal Navigation Clinic|System Navigation for Survivors|Court Accompaniment Program|"
            "Know Your Rights Legal Outreach"
        ),
        _pool(
            "Clinique d'orientation juridique|Accompagnement dans les systèmes pour les personnes survivantes|"
            "Programme d'accompagnement à la cour|Connaître ses droits : information juridique"
        ),
        _pool(
            "provide legal information, court accompaniment and system navigation|"
            "help survivors navigate immigration, family law and income support|"
            "offer free legal clinics with partner lawyers"
        ),
        _pool(
            "offrir de l'information juridique, de l'accompagnement à la cour et de l'aide à la navigation|"
            "aider les personnes survivantes à s'y retrouver en immigration, en droit de la famille et en aide au "
            "revenu|tenir des cliniques juridiques gratuites avec des avocates et avocats partenaires"
        ),
    ),
    _Theme(
        12,
        8,
        _pool(
            "Community Awareness Campaign|See It, Name It: Public Awareness|Multilingual Awareness Campaign|"
            "Awareness in Rural Communities"
        ),
        _pool(
            "Campagne de sensibilisation communautaire|Voir, nommer, agir : sensibilisation du public|"
            "Campagne de sensibilisation multilingue|Sensibilisation en milieu rural"
        ),
        _pool(
            "run a multilingual public awareness campaign|"
            "work with local businesses and transit operators to raise awareness|"
            "bring awareness sessions to rural and remote communities"
        ),
        _pool(
            "mener une campagne de sensibilisation du public en plusieurs langues|"
            "sensibiliser les commerces locaux et les sociétés de transport|"
            "offrir des séances de sensibilisation dans les communautés rurales et éloignées"
        ),
    ),
    _Theme(
        8,
        2,
        _pool(
            "Labour Trafficking Outreach to Migrant Workers|Agricultural Worker Rights Outreach|Safe Work, Fair Work"
        ),
        _pool(
            "Rejoindre les travailleuses et travailleurs migrants|Droits des travailleurs agricoles|"
            "Travail sûr, travail juste"
        ),
        _pool(
            "reach migrant and temporary foreign workers with information on labour rights and trafficking|"
            "run mobile outreach to farm and food-processing workers|"
            "train employers and recruiters to spot labour exploitation"
        ),
        _pool(
            "informer les travailleuses et travailleurs migrants et étrangers temporaires sur leurs droits|"
            "offrir une présence mobile auprès des travailleurs agricoles et de la transformation alimentaire|"
            "former les employeurs et les recruteurs à repérer l'exploitation par le travail"
        ),
    ),
)

POPULATION_PHRASES = {
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
GENERAL_POPULATIONS = tuple(
    p for p in POPULATIONS if p not in {"indigenous_women_and_girls", "indigenous_youth", "francophones"}
)

EN_OPENERS = _pool("This project will|With this funding, we will|Our organization will|The project will")
FR_OPENERS = _pool("Ce projet permettra de|Grâce à ce financement, nous allons|Notre organisme va|Le projet vise à")
EN_METHODS = _pool(
    "Services are survivor-centred and trauma-informed, and were designed with an advisory circle of people with "
    "lived experience.|We will work with {partner} to make referrals faster and safer.|"
    "Staff and volunteers will receive ongoing clinical supervision and training.|"
    "All materials will be available in English and French and in plain language.|"
    "The project builds on {years} years of community-based work in the region.|"
    "Activities will be accessible to people with disabilities and to those living in remote communities."
)
FR_METHODS = _pool(
    "Les services sont axés sur les personnes survivantes, tiennent compte des traumatismes et ont été conçus avec "
    "un cercle consultatif de personnes ayant une expérience vécue.|"
    "Nous travaillerons avec {partner} pour rendre l'orientation plus rapide et plus sûre.|"
    "Le personnel et les bénévoles recevront une supervision clinique et une formation continues.|"
    "Tout le matériel sera offert en français et en anglais, en langage clair.|"
    "Le projet s'appuie sur {years} ans de travail communautaire dans la région.|"
    "Les activités seront accessibles aux personnes handicapées et aux personnes vivant en région éloignée."
)
EN_INDIGENOUS_METHODS = EN_METHODS + _pool(
    "The project is led by Indigenous staff and guided by Elders and Knowledge Keepers.|"
    "Programming is rooted in Anishinaabe, Cree, Métis and Inuit teachings and is delivered on the land where "
    "possible."
)
FR_INDIGENOUS_METHODS = FR_METHODS + _pool(
    "Le projet est dirigé par du personnel autochtone et guidé par des aînés et des gardiens du savoir.|"
    "La programmation s'inspire des enseignements anishinaabe, cris, métis et inuits et se déroule sur le territoire "
    "lorsque c'est possible."
)
EN_INDICATORS = _pool(
    "front-line workers trained|referrals completed|outreach contacts made|nights of safe housing provided|"
    "workshops delivered|people reached by the campaign"
)
FR_INDICATORS = _pool(
    "membres du personnel de première ligne formés|orientations réalisées|contacts de proximité établis|"
    "nuitées de logement sécuritaire offertes|ateliers donnés|personnes jointes par la campagne"
)
EN_SHORT_SUMMARIES = _pool("Outreach project for youth.|Support for survivors in our area.|Awareness workshops.")
FR_SHORT_SUMMARIES = _pool("Projet de sensibilisation.|Soutien aux survivantes.|Ateliers pour les jeunes.")
EN_CODENAMES = _pool("Compass|Lantern|Bridge|Horizon|Safe Passage|Northern Light|Threshold|Kinship|Anchor|Wayfinder")
FR_CODENAMES = _pool("Boussole|Lanterne|Passerelle|Horizon|Phare|Seuil|Ancrage|Envol|Boréal|Tremplin")
EN_PARTNERS = _pool(
    "{p} Police Service|{p} Children's Aid Society|{p} Public Health|{p} Community Legal Clinic|"
    "{p} Regional Hospital|{p} District School Board|{p} Victim Services"
)
FR_PARTNERS = _pool(
    "Service de police {d}|Société d'aide à l'enfance {d}|Santé publique {d}|Conseil scolaire catholique {d}|"
    "Hôpital régional {d}|Services aux victimes {d}"
)

# Submission hours; none between 02:00 and 05:59, so no time falls in the 2026-03-08 DST gap.
_HOUR_WEIGHTS = (1, 1, 0, 0, 0, 0, 1, 2, 5, 8, 9, 9, 7, 8, 9, 9, 8, 6, 4, 4, 5, 5, 4, 2)
_WORD = re.compile(r"[a-z0-9]+")
_EN_PLACES_LONGEST = {region: tuple(sorted(places, key=len, reverse=True)) for region, places in EN_PLACES.items()}
_FR_PLACES_LONGEST = {
    region: tuple(sorted(places, key=lambda t: len(t[1]), reverse=True)) for region, places in FR_PLACES.items()
}


@dataclass(frozen=True)
class SynthSummary:
    """Where the files went and what was planted in them."""

    call_file: Path
    applications_file: Path
    reviewers_file: Path
    conflicts_file: Path
    applications: int  # data rows in applications.csv, bad and duplicate rows included
    planted_invalid: int  # rows intake must reject: a malformed value, or a repeated external_id
    planted_ineligible: int  # valid rows screening must fail
    reviewers: int
    conflicts: int


@dataclass(slots=True)
class _Org:
    name: str
    org_type: str
    registration_number: str
    region: str
    province: str
    indigenous: bool
    lang: str  # "en" or "fr"
    culture: str  # which name pools its people come from
    place_en: str
    place_fr: tuple[str, str, str]
    contact_name: str
    contact_email: str
    domain: str  # "" when the organization uses webmail
    stream: str
    yes_no: tuple[str, str]
    people: list[str] = field(default_factory=list)


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def _words(text: str) -> list[str]:
    return [w for w in _WORD.findall(_ascii(text).lower()) if w not in _STOPWORDS]


def _money(cents: int) -> str:
    return str(cents // 100) if cents % 100 == 0 else f"{cents // 100}.{cents % 100:02d}"


def _elide(opener: str, rest: str) -> str:
    """French elision: "permettra de" + "offrir" reads "permettra d'offrir"."""
    if opener.endswith(" de") and rest[:1] in "aeéèêiouh":
        return f"{opener[:-2]}d'{rest}"
    return f"{opener} {rest}"


def _count(n: int, share: float, floor: int) -> int:
    # A call of 50 or more rows gets at least `floor` of each planted problem.
    planted = round(n * share)
    return max(planted, floor) if n >= 50 else planted


def _near_name(pick: Callable[[Sequence[str]], str], name: str) -> str:
    variants = [f"{name} Inc.", name.lower(), f"The {name}", _ascii(name).upper(), f"{name}, Inc."]
    if "'" in name:
        variants.append(name.replace("'", "’"))
    return pick(variants)


class _Builder:
    """One run: the seeded generator and the registries that keep names and numbers unique."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.random = self.rng.random
        self.names: set[str] = set()
        self.numbers: set[str] = set()
        self.domains: set[str] = {domain for _, domain in REVIEWER_AFFILIATIONS if domain}
        self.emails: set[str] = set()
        self.theme_cum = tuple(accumulate(t.weight for t in THEMES))
        self.theme_cum_indigenous = tuple(accumulate(t.weight_indigenous for t in THEMES))
        self.region_cum = {culture: tuple(accumulate(w)) for culture, w in REGION_WEIGHTS.items()}
        self.hour_cum = tuple(accumulate(_HOUR_WEIGHTS))

    # Indexing by random() is about twice as fast as Random.choice on the hot path.
    def pick(self, seq: Sequence[T]) -> T:
        return seq[int(self.random() * len(seq))]

    def weighted(self, seq: Sequence[T], cum: Sequence[int]) -> T:
        return seq[bisect(cum, self.random() * cum[-1])]

    def distinct(self, seq: Sequence[T], k: int) -> list[T]:
        """``k`` different items of ``seq`` (Random.sample is slow for a handful)."""
        out: list[T] = []
        while len(out) < k:
            item = self.pick(seq)
            if item not in out:
                out.append(item)
        return out

    def person(self, culture: str) -> str:
        if culture == "fr" and self.random() < 0.08:
            return f"{self.pick(FULL_NAMES['fr'])}-{self.pick(SURNAMES['fr'])}"
        return self.pick(FULL_NAMES[culture])

    def reviewer_name(self, culture: str) -> str:
        # Mixed-culture names too, which applicants' boards (one culture per name) rarely hold.
        surnames = SURNAMES[culture] if self.random() < 0.6 else SURNAMES[self.pick(("en", "fr", "indigenous"))]
        return f"{self.pick(GIVEN[culture])} {self.pick(surnames)}"

    def people(self, culture: str, n: int) -> list[str]:
        """Up to ``n`` board or staff names, mostly from the organization's own culture."""
        names, rnd = MIXED_NAMES[culture], self.random
        size = len(names)
        return list(dict.fromkeys([names[int(rnd() * size)] for _ in range(n)]))

    def registration_number(self, charity: bool) -> str:
        while True:
            digits = int(self.random() * 900_000_000) + 100_000_000 if charity else int(self.random() * 9e6) + 10**6
            number = f"{digits}RR0001" if charity else str(digits)
            if number not in self.numbers:
                self.numbers.add(number)
                return number

    def unique_name(self, make: Callable[[], str], branch: str) -> str:
        for _ in range(8):
            name = make()
            if name not in self.names:
                self.names.add(name)
                return name
        base = f"{name}{branch}"
        name, n = base, 2
        while name in self.names:
            name, n = f"{base} {n}", n + 1
        self.names.add(name)
        return name

    def domain(self, name: str) -> str:
        words = _words(name) or ["org"]
        tld = ".ca" if self.random() < 0.6 else self.pick((".org", ".org", ".on.ca"))
        stems = ["".join(words[:2]), "-".join(words[:3])]
        if len(words) >= 3:
            stems += ["".join(w[0] for w in words[:5]), "-".join((words[0], *words[2:4]))]
        start = int(self.random() * len(stems))
        for stem in stems[start:] + stems[:start]:
            stem = stem[:40].strip("-")
            if stem and stem + tld not in self.domains:
                self.domains.add(stem + tld)
                return stem + tld
        stem, n = stems[0][:36].strip("-") or "org", 2
        while f"{stem}{n}{tld}" in self.domains:
            n += 1
        self.domains.add(f"{stem}{n}{tld}")
        return f"{stem}{n}{tld}"

    def email_for(self, name: str, domain: str) -> str:
        given, *rest = re.sub(r"[^a-z0-9 -]", "", _ascii(name).lower()).split() or ["reviewer"]
        local = ".".join(part for part in (given.strip("-"), "".join(rest).replace("-", "")) if part)
        email, n = f"{local}@{domain}", 2
        while email in self.emails:
            email, n = f"{local}{n}@{domain}", n + 1
        self.emails.add(email)
        return email

    def organization(self, kind: str) -> _Org:
        pick, rnd = self.pick, self.random
        special = kind in {"for_profit", "individual", "review", "iif_not_indigenous", "out_of_province"}
        indigenous = not special and rnd() < SHARE_INDIGENOUS
        lang = "fr" if rnd() < SHARE_FRENCH else "en"
        culture = "indigenous" if indigenous else lang
        region = self.weighted(REGIONS, self.region_cum[culture])
        place_en, place_fr = pick(EN_PLACES[region]), FR_PLACES[region][int(rnd() * len(FR_PLACES[region]))]
        province, org_type, webmail = "ON", "", rnd() < SHARE_WEBMAIL
        fr = lang == "fr"
        make: Callable[[], str]

        if kind == "for_profit":
            org_type = "for_profit"
            if fr:
                templates = _pool("Groupe conseil {s} inc.|Formation {c} inc.")
            else:
                templates = _pool(
                    "{p} Consulting Inc.|{s} & Associates Ltd.|{v} Training Solutions Inc.|{p} Wellness Clinic Inc."
                )

            def make() -> str:
                return pick(templates).format(
                    p=pick(EN_PLACES[region]), s=pick(SURNAMES[lang]), v=pick(EN_VIRTUES), c=pick(FR_COLLECTIFS)
                )
        elif kind == "individual":
            org_type, webmail = "individual", True

            def make() -> str:
                return self.person(culture)
        elif kind == "review":
            org_type = "municipality" if rnd() < 0.5 else "other"
            if org_type == "municipality":
                templates = (
                    _pool("Ville de {m}|Municipalité de {m}")
                    if fr
                    else _pool("City of {p}|Town of {p}|Township of {p}")
                )
            elif fr:
                templates = _pool("Bibliothèque publique {d}|Hôpital régional {d}|Conseil scolaire {d}")
            else:
                templates = _pool("{p} Public Library|{p} District School Board|{p} Regional Hospital")

            def make() -> str:
                d = FR_PLACES[region][int(rnd() * len(FR_PLACES[region]))][1]
                return pick(templates).format(p=pick(EN_PLACES[region]), m=pick(FR_MUNICIPALITIES), d=d)
        elif kind == "out_of_province":
            org_type = "charity" if rnd() < 0.4 else "nonprofit"
            # Just across the border, serving Ontario's east or northwest from Quebec or Manitoba.
            if fr:
                province, region, place_en = "QC", "east", "Gatineau"
                place_fr = ("Outaouais", "de l'Outaouais", "en Outaouais")

                def make() -> str:
                    return f"{pick(FR_CORES)} {pick(QC_PLACES)}"
            else:
                province, region, place_en = "MB", "northwest", "Winnipeg"
                place_fr = ("Winnipeg", "de Winnipeg", "à Winnipeg")

                def make() -> str:
                    return f"{pick(MB_PLACES)} {pick(EN_CORES)}"
        elif indigenous and rnd() < 0.18:
            org_type = "indigenous_community"

            def make() -> str:
                stem = f"{pick(NATION_FIRST)} {pick(NATION_SECOND)}"
                return f"Première Nation de {stem}" if fr else f"{stem} {pick(NATION_KINDS)}"
        elif indigenous:
            org_type = "indigenous_organization"

            def make() -> str:
                style = rnd()
                if fr:
                    d = FR_PLACES[region][int(rnd() * len(FR_PLACES[region]))][1]
                    if style < 0.75:
                        return f"{pick(FR_INDIGENOUS_CORES)} {d}"
                    return f"Cercle {pick(FR_INDIGENOUS_VIRTUES)} {d}"
                if style < 0.15:
                    return pick(EN_INDIGENOUS).format(p=pick(EN_PLACES[region]))
                if style < 0.65:
                    return f"{pick(EN_PLACES[region])} {pick(EN_INDIGENOUS_NATIONS)} {pick(EN_INDIGENOUS_CORES)}"
                if style < 0.8:
                    return f"{pick(EN_INDIGENOUS_VIRTUES)} {pick(EN_INDIGENOUS_CORES)}"
                return f"{pick(EN_INDIGENOUS_VIRTUES)} {pick(EN_INDIGENOUS_CORES)} of {pick(EN_PLACES[region])}"
        else:
            org_type = "charity" if rnd() < 0.4 else "nonprofit"

            def make() -> str:
                style = rnd()
                if fr:
                    d = FR_PLACES[region][int(rnd() * len(FR_PLACES[region]))][1]
                    if style < 0.55:
                        return f"{pick(FR_CORES)} {d}"
                    if style < 0.65:
                        return f"Maison d'hébergement {pick(FR_MAISONS)}"
                    if style < 0.85:
                        return f"Maison d'hébergement {pick(FR_MAISONS)} {d}"
                    return f"Collectif {pick(FR_COLLECTIFS)} {d}"
                if style < 0.45:
                    return f"{pick(EN_PLACES[region])} {pick(EN_CORES)}"
                if style < 0.65:
                    return f"{pick(EN_VIRTUES)} {pick(EN_CORES)}"
                return f"{pick(EN_VIRTUES)} {pick(EN_CORES)} of {pick(EN_PLACES[region])}"

        name = self.unique_name(make, f" – antenne {place_fr[1]}" if fr else f", {place_en} Branch")
        if province == "ON":
            # The project text names the place the organization's name does, when it names one.
            place_en = next((p for p in _EN_PLACES_LONGEST[region] if p in name), place_en)
            place_fr = next((t for t in _FR_PLACES_LONGEST[region] if t[1] in name), place_fr)
        charity = org_type == "charity" or (org_type == "indigenous_organization" and rnd() < 0.5)
        number = self.registration_number(charity)
        contact = name if org_type == "individual" else self.people(culture, 1)[0]
        if webmail:
            domain = ""
            email = f"{''.join(_words(name)[:2]) or 'org'}{int(rnd() * 99) + 1}@{pick(WEBMAIL)}"
        else:
            domain = self.domain(name)
            email = f"{pick(FR_LOCAL if fr else EN_LOCAL)}@{domain}"
        return _Org(
            name=name,
            org_type=org_type,
            registration_number=number,
            region=region,
            province=province,
            indigenous=indigenous,
            lang=lang,
            culture=culture,
            place_en=place_en,
            place_fr=place_fr,
            contact_name=contact,
            contact_email=email,
            domain=domain,
            stream="iif" if indigenous and rnd() < 0.9 else "csf",
            yes_no=("oui", "non") if fr and rnd() < 0.6 else ("yes", "no"),
            people=[contact],
        )

    def submitted(self, late: bool) -> dt.datetime:
        rnd = self.random
        if late:
            return CLOSES_AT + dt.timedelta(minutes=5 + 5 * int(rnd() * 864))  # up to three days late
        days = (CLOSES_AT.date() - OPENS_AT.date()).days
        day = OPENS_AT.date() + dt.timedelta(days=int((days + 1) * rnd() ** 0.6))  # busier near the deadline
        hour = bisect(self.hour_cum, rnd() * self.hour_cum[-1])
        when = dt.datetime.combine(day, dt.time(hour, int(rnd() * 60)))
        if when < OPENS_AT:
            when = OPENS_AT + dt.timedelta(minutes=1 + int(rnd() * 480))
        elif when >= CLOSES_AT:
            when = CLOSES_AT - dt.timedelta(minutes=1 + int(rnd() * 300))
        return when

    def request(self, kind: str) -> tuple[int, int]:
        """Requested amount and total budget, in cents."""
        rnd = self.random
        if kind == "below_min":
            requested = (5_000 + 500 * int(rnd() * 39)) * 100
        elif kind == "above_max":
            requested = (310_000 + 10_000 * int(rnd() * 45)) * 100
        else:
            step = 5_000 if rnd() < 0.65 else (2_500 if rnd() < 0.7 else 1_000)
            dollars = round(self.rng.triangular(25_000, 300_000, 90_000) / step) * step
            requested = min(max(dollars, 25_000), 300_000) * 100
            if rnd() < 0.08:  # a few ask for an amount with cents, such as 87500.50
                requested += self.pick((25, 50, 75)) - (100_00 if requested == 300_000_00 else 0)
        total = requested if rnd() < 0.05 else int(requested * (1.1 + 0.9 * rnd()))
        shape = rnd()
        if shape < 0.7:
            total = total // 500_00 * 500_00
        elif shape < 0.95:
            total = total // 100 * 100
        return requested, max(requested, total)

    def project(self, org: _Org, duration: int, populations: list[str], partners: list[str]) -> tuple[str, str]:
        """Project title and a two- or three-sentence summary in the organization's language."""
        pick, rnd = self.pick, self.random
        fr = org.lang == "fr"
        cum = self.theme_cum_indigenous if org.indigenous else self.theme_cum
        theme = THEMES[bisect(cum, rnd() * cum[-1])]
        base = pick(theme.titles_fr if fr else theme.titles_en)
        place = org.place_fr[0] if fr else org.place_en
        style = rnd()
        if style < 0.35:
            title = base
        elif style < 0.65:
            title = f"{base} in {place}" if not fr and style < 0.5 else f"{base} – {place}"
        elif style < 0.85:
            title = f"Projet {pick(FR_CODENAMES)} : {base}" if fr else f"Project {pick(EN_CODENAMES)}: {base}"
        else:
            title = f"{base} (2026-{2026 + (duration + 11) // 12})"

        population = POPULATION_PHRASES[populations[0]][1 if fr else 0]
        years = 3 + int(rnd() * 38)
        if fr:
            partner = partners[0] if partners else "nos partenaires locaux"
            methods = FR_INDIGENOUS_METHODS if org.indigenous else FR_METHODS
            summary = (
                f"{_elide(pick(FR_OPENERS), pick(theme.acts_fr))} pour {population} {org.place_fr[2]}, "
                f"sur {duration} mois. " + pick(methods).format(partner=partner, years=years)
            )
            if rnd() < 0.6:
                summary += (
                    f" Les résultats seront présentés en chiffres agrégés, comme le nombre de {pick(FR_INDICATORS)}, "
                    "sans recueillir de renseignements sur les personnes survivantes."
                )
        else:
            partner = partners[0] if partners else "local partners"
            methods = EN_INDIGENOUS_METHODS if org.indigenous else EN_METHODS
            summary = (
                f"{pick(EN_OPENERS)} {pick(theme.acts_en)} for {population} in {org.place_en} "
                f"over {duration} months. " + pick(methods).format(partner=partner, years=years)
            )
            if rnd() < 0.6:
                summary += (
                    f" Results will be reported as aggregate counts, such as the number of {pick(EN_INDICATORS)}, "
                    "with no information collected about individual survivors."
                )
        return title, summary

    def application(self, org: _Org, kind: str) -> tuple[dt.datetime, list[str]]:
        """One applications.csv row (external_id left empty) with its submission time for sorting."""
        pick, rnd = self.pick, self.random
        fr = org.lang == "fr"
        submitted = self.submitted(kind == "late")
        duration = (12, 18, 24, 36)[int(rnd() * 4)] if rnd() < 0.75 else 12 + int(rnd() * 25)

        if rnd() < 0.05:
            regions = list(REGIONS)
        else:
            regions = [org.region]
            extra = rnd()
            for _ in range(0 if extra < 0.6 else (1 if extra < 0.9 else 2)):
                other = self.weighted(REGIONS, self.region_cum["en"])
                if other not in regions:
                    regions.append(other)
            regions.sort(key=REGIONS.index)

        populations = self.distinct(GENERAL_POPULATIONS, 1 + int(rnd() * 3))
        if org.indigenous:
            populations.append(pick(("indigenous_women_and_girls", "indigenous_youth")))
        if fr and rnd() < 0.6:
            populations.append("francophones")
        populations.sort(key=POPULATIONS.index)

        count = (0, 1, 1, 2, 2, 3)[int(rnd() * 6)]
        if fr:
            partners = [t.format(d=org.place_fr[1]) for t in self.distinct(FR_PARTNERS, count)]
        else:
            partners = [t.format(p=org.place_en) for t in self.distinct(EN_PARTNERS, count)]
        title, summary = self.project(org, duration, populations, partners)

        if org.org_type == "individual":
            board, staff = [org.name], [org.name]
        else:
            board = self.people(org.culture, 3 + int(rnd() * 5))
            staff = self.people(org.culture, 1 + int(rnd() * 4))
            if rnd() < 0.7 and org.contact_name not in staff:
                staff[0] = org.contact_name
        org.people += board
        org.people += staff

        requested, total = self.request(kind)
        if rnd() < 0.8:
            month = 5 + int(rnd() * 8)  # the first of a month, June 2026 to January 2027
            start = dt.date(2026 + month // 12, month % 12 + 1, 1)
        else:
            start = dt.date(2026, 6, 1) + dt.timedelta(days=int(rnd() * 214))

        row = [
            "",
            submitted.isoformat(timespec="seconds"),
            org.name,
            org.org_type,
            org.registration_number,
            org.region,
            org.province,
            org.yes_no[0] if org.indigenous else org.yes_no[1],
            org.contact_name,
            org.contact_email,
            "; ".join(board),
            "; ".join(staff),
            "; ".join(partners),
            title,
            summary,
            "iif" if kind == "iif_not_indigenous" else org.stream,
            "; ".join(regions),
            "; ".join(populations),
            _money(requested),
            _money(total),
            start.isoformat(),
            str(duration),
            org.lang,
        ]
        self.plant(row, kind, fr)
        return submitted, row

    def plant(self, row: list[str], kind: str, fr: bool) -> None:
        """Put the planted problem of ``kind`` into ``row``; other kinds leave it clean."""
        if kind in MALFORMED_VALUES:
            column, value = MALFORMED_VALUES[kind]
            at = _column(column)
            row[at] = f"{row[at]}; {value}" if kind == "bad_region" else value
        elif kind == "formula":
            at = _column("project_title" if self.random() < 0.5 else "project_summary")
            row[at] = f"{self.pick(FORMULA_PREFIXES)} {row[at]}"
        elif kind == "short_summary":
            row[_column("project_summary")] = self.pick(FR_SHORT_SUMMARIES if fr else EN_SHORT_SUMMARIES)
        elif kind in _EMPTIED:
            row[_column(_EMPTIED[kind])] = ""


_EMPTIED = {
    "no_summary": "project_summary",
    "no_board": "board_members",
    "no_staff": "key_staff",
    "no_populations": "populations_served",
}


def _column(name: str) -> int:
    return APPLICATION_COLUMNS.index(name)


def _reviewers(
    b: _Builder, count: int, sources: list[tuple[_Org, list[str]]], applicant_people: set[str]
) -> list[list[str]]:
    """Reviewer rows; a few are tied to an applicant (``sources``: organization and board) on purpose."""
    pick, rnd = b.pick, b.random
    ties: list[str] = []
    if sources and count >= 10:
        per_tie = max(1, round(count * SHARE_REVIEWER_TIE))
        ties = ["exact"] * per_tie + ["near"] * per_tie + ["domain"] * per_tie + ["board"] * per_tie
    ties = ties[:count] + ["none"] * max(0, count - len(ties))
    b.rng.shuffle(ties)
    with_domain = [source for source in sources if source[0].domain]
    rows: list[list[str]] = []
    for tie in ties:
        culture = "en" if rnd() < 0.55 else ("fr" if rnd() < 0.67 else "indigenous")
        affiliation, domain = REVIEWER_AFFILIATIONS[int(rnd() * len(REVIEWER_AFFILIATIONS))]
        if tie == "board":
            name = pick(pick(sources)[1])
        else:
            name = b.reviewer_name(culture)
            # Only planted ties should match an applicant's people exactly.
            for _ in range(20):
                if name not in applicant_people:
                    break
                name = b.reviewer_name(culture)
            else:
                given, surname = name.split(" ", 1)
                name = f"{given} {pick('ABCDEFGHJKLMNPRSTVW')}. {surname}"
        if tie in {"exact", "near"}:
            org = pick(sources)[0]
            affiliation, domain = (org.name if tie == "exact" else _near_name(pick, org.name)), ""
        elif tie == "domain" and with_domain:
            org = pick(with_domain)[0]
            domain = org.domain
            affiliation = "Consultante indépendante" if org.lang == "fr" else "Independent consultant"
        email = b.email_for(name, domain or pick(WEBMAIL))
        reads_fr = rnd() < (0.95 if culture == "fr" else 0.12)
        languages = (
            ("fr" if rnd() < 0.15 else "en; fr") if reads_fr and culture == "fr" else ("en; fr" if reads_fr else "en")
        )
        indigenous = rnd() < (0.9 if culture == "indigenous" else 0.08)
        tags = set(b.distinct(EXPERTISE, 1 + int(rnd() * 4)))
        if indigenous and rnd() < 0.8:
            tags.add("indigenous_healing")
        regions = REGIONS if rnd() < 0.1 else b.distinct(REGIONS, 1 + int(rnd() * 3))
        rows.append(
            [
                name,
                email,
                affiliation,
                "; ".join(sorted(tags, key=EXPERTISE.index)),
                languages,
                "yes" if indigenous else "no",
                str(min(40, max(8, int(b.rng.triangular(8, 41, 15))))),
                "; ".join(sorted(regions, key=REGIONS.index)),
            ]
        )
    return rows


def _write(path: Path, header: Sequence[str], rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def generate(out_dir: Path, *, applications: int, reviewers: int, seed: int) -> SynthSummary:
    """Write call.toml, applications.csv, reviewers.csv and conflicts.csv into ``out_dir``.

    Of the application rows, about 1% are exact later copies and 2% carry one malformed value
    (invalid), 12% fail screening, 3% are municipality/other (needs review), 0.5% have a title or
    summary that starts like a spreadsheet formula, and 5% come from an organization that applies twice.
    """
    if applications < 0 or reviewers < 0:
        raise ValueError("applications and reviewers must not be negative")
    out_dir.mkdir(parents=True, exist_ok=True)
    b = _Builder(seed)
    rng = b.rng

    n = applications
    duplicates = _count(n, SHARE_DUPLICATE, 1)
    kinds = (
        [MALFORMED_KINDS[i % len(MALFORMED_KINDS)] for i in range(_count(n, SHARE_MALFORMED, 1))]
        + [INELIGIBLE_KINDS[i % len(INELIGIBLE_KINDS)] for i in range(_count(n, SHARE_INELIGIBLE, 1))]
        + ["review"] * _count(n, SHARE_REVIEW, 1)
        + ["formula"] * _count(n, SHARE_FORMULA, 2)
        + ["repeat"] * _count(n, SHARE_REPEAT, 1)
    )[: n - duplicates]
    kinds += ["normal"] * (n - duplicates - len(kinds))
    rng.shuffle(kinds)

    orgs: list[_Org | None] = [None if kind == "repeat" else b.organization(kind) for kind in kinds]
    normal_orgs = [org for org, kind in zip(orgs, kinds, strict=True) if org is not None and kind == "normal"]
    built: list[tuple[dt.datetime, int, str, _Org, list[str]]] = []
    for i, (kind, maybe_org) in enumerate(zip(kinds, orgs, strict=True)):
        # A repeat applicant sends a second, clean project under an organization already in the file.
        org = maybe_org or (b.pick(normal_orgs) if normal_orgs else b.organization("normal"))
        when, row = b.application(org, "normal" if kind == "repeat" else kind)
        built.append((when, i, kind, org, row))
    built.sort(key=lambda item: (item[0], item[1]))

    number = 100 + int(b.random() * 800)
    for _, _, kind, _, row in built:
        row[0] = "" if kind == "no_external_id" else f"PORTAL-{number:06d}"
        number += 1 + int(b.random() * 4)  # the portal skips ids of abandoned drafts

    # Exact copies of clean rows, each placed somewhere after its original.
    clean = [i for i, item in enumerate(built) if item[2] == "normal"]
    after: dict[int, list[list[str]]] = {}
    for source in rng.sample(clean, min(duplicates, len(clean))):
        after.setdefault(source + int(b.random() * (len(built) - source)), []).append(list(built[source][4]))
    rows: list[list[str]] = []
    for i, item in enumerate(built):
        rows.append(item[4])
        rows.extend(after.get(i, ()))

    valid = [item for item in built if item[2] not in MALFORMED_KINDS]
    board = _column("board_members")
    sources = [(item[3], item[4][board].split("; ")) for item in valid if item[2] in {"normal", "formula", "repeat"}]
    applicant_people = {person for item in built for person in item[3].people}
    reviewer_rows = _reviewers(b, reviewers, sources, applicant_people)

    conflict_rows: list[list[str]] = []
    wanted = round(reviewers / 5)
    if valid and reviewer_rows:
        seen: set[tuple[str, str]] = set()
        for _ in range(wanted * 20):
            if len(conflict_rows) == wanted:
                break
            email = reviewer_rows[int(b.random() * len(reviewer_rows))][1]
            external_id = valid[int(b.random() * len(valid))][4][0]
            if (email, external_id) not in seen:
                seen.add((email, external_id))
                lang = "fr" if b.random() < 0.3 else "en"
                conflict_rows.append([email, external_id, b.pick(CONFLICT_REASONS[lang])])

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
        planted_invalid=sum(kind in MALFORMED_KINDS for kind in kinds) + len(rows) - len(built),
        planted_ineligible=sum(kind in INELIGIBLE_KINDS for kind in kinds),
        reviewers=len(reviewer_rows),
        conflicts=len(conflict_rows),
    )
