"""The permanent vocabularies of portfolio files (portfolio.md, "Vocabularies").

Labels and descriptions live in the catalog YAML files; the ids are fixed here so that the type
checker and the validator agree on them. A test checks that both lists stay equal.
"""

from typing import Literal, get_args

FunctionId = Literal[
    "project_management",
    "site_management",
    "clinical_monitoring",
    "regulatory_affairs",
    "data_management",
    "biostatistics",
    "statistical_programming",
    "medical_writing",
    "pharmacovigilance",
    "medical_monitoring",
    "quality_assurance",
    "real_world_evidence",
    "medical_affairs",
]
DeliveryModel = Literal["in_house", "fso", "fsp", "boutique"]
ProviderModel = Literal["fso", "fsp", "boutique"]
Relationship = Literal["strategic", "tactical"]
ProviderKind = Literal["large_cro", "midsize_cro", "boutique", "fsp_specialist"]
RegionId = Literal[
    "north_america",
    "latin_america",
    "western_europe",
    "central_eastern_europe",
    "asia_pacific",
    "china",
    "middle_east_africa",
]
TherapeuticArea = Literal[
    "oncology",
    "rare_disease",
    "neurology",
    "ophthalmology",
    "cell_gene_therapy",
    "cardiometabolic",
    "immunology",
    "infectious_disease",
    "respiratory",
    "dermatology",
    "other",
]
Phase = Literal["preclinical", "1", "2", "3", "4"]
Level = Literal["low", "medium", "high"]
Stage = Literal["preclinical", "clinical", "commercial"]

FUNCTIONS: tuple[str, ...] = get_args(FunctionId)
DELIVERY_MODELS: tuple[str, ...] = get_args(DeliveryModel)
PROVIDER_MODELS: tuple[str, ...] = get_args(ProviderModel)
RELATIONSHIPS: tuple[str, ...] = get_args(Relationship)
PROVIDER_KINDS: tuple[str, ...] = get_args(ProviderKind)
REGIONS: tuple[str, ...] = get_args(RegionId)
THERAPEUTIC_AREAS: tuple[str, ...] = get_args(TherapeuticArea)
PHASES: tuple[str, ...] = get_args(Phase)
LEVELS: tuple[str, ...] = get_args(Level)
STAGES: tuple[str, ...] = get_args(Stage)

# "Clinical operations" in the guidance is these three together (portfolio.md).
CLINICAL_OPERATIONS: tuple[str, ...] = (
    "project_management",
    "site_management",
    "clinical_monitoring",
)
# Functions whose work happens at sites in each country: a provider must cover every region of
# the study to deliver them. The other functions can be delivered from anywhere.
SITE_FACING_FUNCTIONS: tuple[str, ...] = (
    "site_management",
    "clinical_monitoring",
    "regulatory_affairs",
)
