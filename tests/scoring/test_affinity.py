"""Affinity between reviewers and applications."""

from __future__ import annotations

import numpy as np

from scoring.affinity import affinity_matrix, application_tags, language_mask

REGIONS = ["toronto", "central", "east", "west", "northeast", "northwest"]


def test_application_tags_read_french_and_english_text_and_populations() -> None:
    assert application_tags(
        "Hébergement de transition pour les survivantes", "Accompagnement juridique au tribunal.", ["girls"]
    ) == {"housing", "survivor_services", "legal", "youth"}
    assert application_tags("Training front-line nurses", "", ["migrant_workers"]) == {
        "training",
        "labour_trafficking",
    }
    assert application_tags("Project", "", []) == set()


def test_affinity_matrix_weights_expertise_region_and_language() -> None:
    affinity = affinity_matrix(
        app_tags=[["housing", "legal"], ["youth"]],
        app_regions=[["northeast"], ["toronto"]],
        reviewer_expertise=[["housing", "legal", "health"], ["housing"], []],
        reviewer_regions=[["northeast"], ["toronto"], []],
        regions=REGIONS,
    )

    np.testing.assert_array_equal(
        affinity,
        np.array(
            [
                [0.6 + 0.3 + 0.1, 0.3 + 0.1, 0.1],
                [0.1, 0.3 + 0.1, 0.1],
            ]
        ).round(6),
    )


def test_language_mask_true_where_the_reviewer_reads_the_application() -> None:
    mask = language_mask(["fr", "en"], [["en"], ["fr", "en"], ["fr"]])

    np.testing.assert_array_equal(mask, np.array([[False, True, True], [True, True, False]]))
