"""The spec digest of every design x fault x era x configuration, pinned.

Stored traces carry the digest of the model that made them, and a refactoring of spec/
(splitting modules, faults as overrides, the era type) must build the same IR: a changed
digest here means the IR changed, so the stored traces and pinned counts no longer speak
for the model.  Only an intended model change may update this table (and then the
catalogue is regenerated in the same commit)."""

from __future__ import annotations

import pytest

from spec import CONFIGS, DESIGNS, ERAS, FAULTS, ModelKey, build_model

# (design, fault, era, config) -> Model.digest.  The rows of 5.3 (v9, v10), 5.7 (merged) and 6.10
# keep the digests computed when the era was the bool pcp_cache (5.3-5.7 on, 6.10 off) until
# the model of that release changes; every era x design that existed has its rows.
PINNED: dict[tuple[str, str | None, str, str], str] = {
    ('none', None, '3.16', 'tiny'): '87829c9136b5b142',
    ('none', None, '3.16', 'tiny-span'): 'e0a654c83d082ff8',
    ('none', None, '3.16', 'small'): '640375870e269a1b',
    ('none', None, '5.3', 'tiny'): 'cbb501198dae96b9',
    ('none', None, '5.3', 'tiny-span'): '0ac6294883a314de',
    ('none', None, '5.3', 'small'): '0d5942501935f1c3',
    ('none', None, '5.7', 'tiny'): '864344753df02d85',
    ('none', None, '5.7', 'tiny-span'): '12d082915f49093b',
    ('none', None, '5.7', 'small'): '3d55b3f6a3fa5230',
    ('none', None, '5.10', 'tiny'): 'd5363ffc46b973a9',
    ('none', None, '5.10', 'tiny-span'): '9047ee1d02462f9b',
    ('none', None, '5.10', 'small'): 'e119b3759e3a1e7b',
    ('none', None, '6.1', 'tiny'): '3811ea7c0fdd9f1c',
    ('none', None, '6.1', 'tiny-span'): '531598d846c378a8',
    ('none', None, '6.1', 'small'): 'a1519e9d044633bb',
    ('none', None, '6.6', 'tiny'): '6759a1fe377cfafb',
    ('none', None, '6.6', 'tiny-span'): 'f98ec9f12b7c47ad',
    ('none', None, '6.6', 'small'): '5c8302d2fe048f03',
    ('none', None, '6.10', 'tiny'): '49d0a8ab79925e9a',
    ('none', None, '6.10', 'tiny-span'): 'c08c640166311c45',
    ('none', None, '6.10', 'small'): 'f9d43ebdd964d876',
    ('v9', None, '5.3', 'tiny'): '21dd37039dfa9af1',
    ('v9', None, '5.3', 'tiny-span'): '96cc08edd58bd63f',
    ('v9', None, '5.3', 'small'): 'a2528e88ef22fa05',
    ('v9', 'v9-unguarded-index-read', '5.3', 'tiny'): '887a360c95e9512e',
    ('v9', 'v9-unguarded-index-read', '5.3', 'tiny-span'): 'bd4fdab4dec33888',
    ('v9', 'v9-unguarded-index-read', '5.3', 'small'): '187d8e85fdbebfa4',
    ('v9', 'retype-keeps-stale-index', '5.3', 'tiny'): '0dabb9a9f9f83300',
    ('v9', 'retype-keeps-stale-index', '5.3', 'tiny-span'): '2d4262d8f428c5ea',
    ('v9', 'retype-keeps-stale-index', '5.3', 'small'): '3217246d8da114a9',
    ('v10', None, '5.3', 'tiny'): '5c18b8560091f86b',
    ('v10', None, '5.3', 'tiny-span'): '6d0abc6210073a32',
    ('v10', None, '5.3', 'small'): '60f3a0031311850f',
    ('merged', None, '5.7', 'tiny'): '3bfc6ad77c5e9c42',
    ('merged', None, '5.7', 'tiny-span'): 'ce675e84f7c284b1',
    ('merged', None, '5.7', 'small'): '1f8b54c3562a1957',
    ('merged', None, '5.10', 'tiny'): '58775c2bafa63fbb',
    ('merged', None, '5.10', 'tiny-span'): '4cc54798a880ba0e',
    ('merged', None, '5.10', 'small'): 'c0f88ba90b7974a0',
    ('merged', None, '6.1', 'tiny'): 'ddefd3ceb5316d2a',
    ('merged', None, '6.1', 'tiny-span'): '3172b334f0233cb0',
    ('merged', None, '6.1', 'small'): '2bcf16bb295175b5',
    ('merged', None, '6.6', 'tiny'): 'fe0798ca0ae57952',
    ('merged', None, '6.6', 'tiny-span'): '457e778d04e15f6d',
    ('merged', None, '6.6', 'small'): 'ec38426c5bc4cdfc',
    ('merged', None, '6.10', 'tiny'): '629ac57c64706c94',
    ('merged', None, '6.10', 'tiny-span'): 'a921e7a3c99176d4',
    ('merged', None, '6.10', 'small'): '0d68d88a67725576',
    ('merged', 'merge-keeps-reported', '5.7', 'tiny'): 'df17cbd28bf9701a',
    ('merged', 'merge-keeps-reported', '5.7', 'tiny-span'): 'd15ca97fda844974',
    ('merged', 'merge-keeps-reported', '5.7', 'small'): 'fcda2f497bec82b9',
    ('merged', 'merge-keeps-reported', '5.10', 'tiny'): '1d54081b787c884d',
    ('merged', 'merge-keeps-reported', '5.10', 'tiny-span'): 'ce07945adc3d7383',
    ('merged', 'merge-keeps-reported', '5.10', 'small'): 'd883b2486b48d17c',
    ('merged', 'merge-keeps-reported', '6.1', 'tiny'): '3face9e5e210740e',
    ('merged', 'merge-keeps-reported', '6.1', 'tiny-span'): '31fa1b25e197d019',
    ('merged', 'merge-keeps-reported', '6.1', 'small'): '82fc2820de2d41e8',
    ('merged', 'merge-keeps-reported', '6.6', 'tiny'): '04731bccde4ff13c',
    ('merged', 'merge-keeps-reported', '6.6', 'tiny-span'): '1501d8b8caf2dbe3',
    ('merged', 'merge-keeps-reported', '6.6', 'small'): 'f6c0f772e1ac5bd7',
    ('merged', 'merge-keeps-reported', '6.10', 'tiny'): '59104f02a869f086',
    ('merged', 'merge-keeps-reported', '6.10', 'tiny-span'): '4a7dbef7417ab101',
    ('merged', 'merge-keeps-reported', '6.10', 'small'): 'f719cf2a8aa03074',
    ('merged', 'alloc-keeps-reported', '5.7', 'tiny'): '499a1d9bba3790c2',
    ('merged', 'alloc-keeps-reported', '5.7', 'tiny-span'): '8cd17cf3cff2c1a6',
    ('merged', 'alloc-keeps-reported', '5.7', 'small'): '41dc20c270b70695',
    ('merged', 'alloc-keeps-reported', '5.10', 'tiny'): '0c64f93e40e74f32',
    ('merged', 'alloc-keeps-reported', '5.10', 'tiny-span'): '4af85ebfe0e53557',
    ('merged', 'alloc-keeps-reported', '5.10', 'small'): 'a4be44e7a97e8f2b',
    ('merged', 'alloc-keeps-reported', '6.1', 'tiny'): 'dcae36a2df4e32cd',
    ('merged', 'alloc-keeps-reported', '6.1', 'tiny-span'): '1f7813b9cbdc24df',
    ('merged', 'alloc-keeps-reported', '6.1', 'small'): '9793c204e096f46f',
    ('merged', 'alloc-keeps-reported', '6.6', 'tiny'): 'c966a42ec7b5c2de',
    ('merged', 'alloc-keeps-reported', '6.6', 'tiny-span'): '45e041924e21be39',
    ('merged', 'alloc-keeps-reported', '6.6', 'small'): '1d48da424833bc23',
    ('merged', 'alloc-keeps-reported', '6.10', 'tiny'): 'be93b12119272095',
    ('merged', 'alloc-keeps-reported', '6.10', 'tiny-span'): '9c6d18ec521fc8a0',
    ('merged', 'alloc-keeps-reported', '6.10', 'small'): '509c70a16d4273cd',
    ('merged', 'pcp-index-not-set', '5.7', 'tiny'): '4a5b3d1bd3b184cd',
    ('merged', 'pcp-index-not-set', '5.7', 'tiny-span'): '93e8d86b3abd0d26',
    ('merged', 'pcp-index-not-set', '5.7', 'small'): '0eb387793b5954d8',
    ('merged', 'pcp-index-not-set', '5.10', 'tiny'): 'c639f78e3684cd08',
    ('merged', 'pcp-index-not-set', '5.10', 'tiny-span'): 'e37387d79157c6b7',
    ('merged', 'pcp-index-not-set', '5.10', 'small'): '338d0c77b664bd6b',
    ('merged', 'pcp-index-not-set', '6.1', 'tiny'): 'a58c4c675da060ab',
    ('merged', 'pcp-index-not-set', '6.1', 'tiny-span'): 'ce0c68f613ff358d',
    ('merged', 'pcp-index-not-set', '6.1', 'small'): '47b358de7c88d411',
    ('merged', 'pcp-index-not-set', '6.6', 'tiny'): '66d1201662114a62',
    ('merged', 'pcp-index-not-set', '6.6', 'tiny-span'): 'b7ac77766e32257f',
    ('merged', 'pcp-index-not-set', '6.6', 'small'): '7a6fe1d72eb08150',
    ('merged', 'pcp-index-not-set', '6.10', 'tiny'): '938ebab2d2d03b8a',
    ('merged', 'pcp-index-not-set', '6.10', 'tiny-span'): 'f88ece20f2416d8c',
    ('merged', 'pcp-index-not-set', '6.10', 'small'): 'e609d5efe6da7d0d',
}


def test_the_table_covers_every_choice() -> None:
    every = {(d, f, c, cfg) for d in DESIGNS for f in (None, *(f for f in FAULTS if FAULTS[f].design == d))
             for c in ERAS if d in ERAS[c].designs for cfg in CONFIGS}
    assert set(PINNED) == every


@pytest.mark.parametrize("design,fault,era,config", sorted(PINNED, key=repr))
def test_the_model_digest_is_unchanged(design: str, fault: str | None, era: str, config: str) -> None:
    assert build_model(ModelKey(design, fault, era, config)).digest == PINNED[(design, fault, era, config)]
