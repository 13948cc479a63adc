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
    ('none', None, '5.7', 'tiny'): 'b634dd23bbd301df',
    ('none', None, '5.7', 'tiny-span'): '5772cdade91f3049',
    ('none', None, '5.7', 'small'): '19600e043a6e4185',
    ('none', None, '5.10', 'tiny'): '240374aefb5d3682',
    ('none', None, '5.10', 'tiny-span'): '7dda3a0fd547a927',
    ('none', None, '5.10', 'small'): '968e6e6b7ed1f357',
    ('none', None, '6.1', 'tiny'): '7e4a93e6e1eba919',
    ('none', None, '6.1', 'tiny-span'): '435e8ecd73b8ed08',
    ('none', None, '6.1', 'small'): '0cdc8fb34027af28',
    ('none', None, '6.6', 'tiny'): 'adb694f701e9cffc',
    ('none', None, '6.6', 'tiny-span'): 'a53138f32b91c28e',
    ('none', None, '6.6', 'small'): 'bbbe48985c0407e3',
    ('none', None, '6.10', 'tiny'): '289639dc047f50a0',
    ('none', None, '6.10', 'tiny-span'): '486965a5155fadb6',
    ('none', None, '6.10', 'small'): '2a237656914e4b62',
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
    ('merged', None, '5.7', 'tiny'): 'a1bff5fccb20afbc',
    ('merged', None, '5.7', 'tiny-span'): '5b8158f9a32e4db5',
    ('merged', None, '5.7', 'small'): 'a278f80e6ee3a519',
    ('merged', None, '5.10', 'tiny'): '6f149eb58892007b',
    ('merged', None, '5.10', 'tiny-span'): '5cf88e4048a1c6e6',
    ('merged', None, '5.10', 'small'): 'd981f1637cab1e14',
    ('merged', None, '6.1', 'tiny'): 'c3ed19c1c6323b9f',
    ('merged', None, '6.1', 'tiny-span'): '29ac12ce1c2592cc',
    ('merged', None, '6.1', 'small'): '8a6effd2b48e9b80',
    ('merged', None, '6.6', 'tiny'): '4b2fb6d1133dcb4c',
    ('merged', None, '6.6', 'tiny-span'): 'bd87e697310cf1b5',
    ('merged', None, '6.6', 'small'): '21b6dd2382ca055a',
    ('merged', None, '6.10', 'tiny'): '3daff7ad6dcec5ba',
    ('merged', None, '6.10', 'tiny-span'): '161b1783be458e09',
    ('merged', None, '6.10', 'small'): 'b2f10ca4f3d9b384',
    ('merged', 'merge-keeps-reported', '5.7', 'tiny'): '0f87bfe50b7ed7f9',
    ('merged', 'merge-keeps-reported', '5.7', 'tiny-span'): 'd1f59bfba9e9b031',
    ('merged', 'merge-keeps-reported', '5.7', 'small'): '4889619dacafcba4',
    ('merged', 'merge-keeps-reported', '5.10', 'tiny'): '6e221d7cfbbef548',
    ('merged', 'merge-keeps-reported', '5.10', 'tiny-span'): 'e7dc69bae6c1d928',
    ('merged', 'merge-keeps-reported', '5.10', 'small'): '239a10f0263a0038',
    ('merged', 'merge-keeps-reported', '6.1', 'tiny'): '3ced0e3c2f1d5e49',
    ('merged', 'merge-keeps-reported', '6.1', 'tiny-span'): '50c9091280b91d08',
    ('merged', 'merge-keeps-reported', '6.1', 'small'): '28a6ba7a2d512ab0',
    ('merged', 'merge-keeps-reported', '6.6', 'tiny'): '649764738ddf27b5',
    ('merged', 'merge-keeps-reported', '6.6', 'tiny-span'): '7cefccb0a984eff3',
    ('merged', 'merge-keeps-reported', '6.6', 'small'): 'cb9cf6fb9317d42b',
    ('merged', 'merge-keeps-reported', '6.10', 'tiny'): 'd3a632e734be6b93',
    ('merged', 'merge-keeps-reported', '6.10', 'tiny-span'): '793d4658a91adc63',
    ('merged', 'merge-keeps-reported', '6.10', 'small'): 'e135ef5106a03b6c',
    ('merged', 'alloc-keeps-reported', '5.7', 'tiny'): 'c5a65c2ac23b3519',
    ('merged', 'alloc-keeps-reported', '5.7', 'tiny-span'): 'ce26a619aa90bc84',
    ('merged', 'alloc-keeps-reported', '5.7', 'small'): '5509c9285f364f58',
    ('merged', 'alloc-keeps-reported', '5.10', 'tiny'): '1879dbfd0a1902f7',
    ('merged', 'alloc-keeps-reported', '5.10', 'tiny-span'): '9f35ae4f604e516d',
    ('merged', 'alloc-keeps-reported', '5.10', 'small'): 'd4d764d9fb15d717',
    ('merged', 'alloc-keeps-reported', '6.1', 'tiny'): 'f5a55b8c34526b1d',
    ('merged', 'alloc-keeps-reported', '6.1', 'tiny-span'): '77b1ec4fb78002f1',
    ('merged', 'alloc-keeps-reported', '6.1', 'small'): '5628fa986089fa2f',
    ('merged', 'alloc-keeps-reported', '6.6', 'tiny'): '55e1f9c73db0caf5',
    ('merged', 'alloc-keeps-reported', '6.6', 'tiny-span'): '0aeb1f2d8ce51b34',
    ('merged', 'alloc-keeps-reported', '6.6', 'small'): 'e35f0b5c3f77ae89',
    ('merged', 'alloc-keeps-reported', '6.10', 'tiny'): '4fdde6827190a446',
    ('merged', 'alloc-keeps-reported', '6.10', 'tiny-span'): '3ed52791492bca21',
    ('merged', 'alloc-keeps-reported', '6.10', 'small'): '6c4901680faf9b7e',
    ('merged', 'pcp-index-not-set', '5.7', 'tiny'): '1eabd72a6c18da0d',
    ('merged', 'pcp-index-not-set', '5.7', 'tiny-span'): 'aabdc9a3b6725706',
    ('merged', 'pcp-index-not-set', '5.7', 'small'): '319b33bdbead045d',
    ('merged', 'pcp-index-not-set', '5.10', 'tiny'): 'c2435255715f0f5b',
    ('merged', 'pcp-index-not-set', '5.10', 'tiny-span'): '64fc132752b8c775',
    ('merged', 'pcp-index-not-set', '5.10', 'small'): '221ffa399a24905f',
    ('merged', 'pcp-index-not-set', '6.1', 'tiny'): 'cf009f0314da3ec1',
    ('merged', 'pcp-index-not-set', '6.1', 'tiny-span'): 'c96c6b4f0cfdd077',
    ('merged', 'pcp-index-not-set', '6.1', 'small'): '1a69d92773e33460',
    ('merged', 'pcp-index-not-set', '6.6', 'tiny'): '9ef0a2d7219bdeb2',
    ('merged', 'pcp-index-not-set', '6.6', 'tiny-span'): '81a4ebc4bb5707ec',
    ('merged', 'pcp-index-not-set', '6.6', 'small'): 'fc9a2ba27dc3dbe6',
    ('merged', 'pcp-index-not-set', '6.10', 'tiny'): 'df4f3486fe3adb0d',
    ('merged', 'pcp-index-not-set', '6.10', 'tiny-span'): '90cf27d0ebf8d583',
    ('merged', 'pcp-index-not-set', '6.10', 'small'): '7590864f71f9a04e',
}


def test_the_table_covers_every_choice() -> None:
    every = {(d, f, c, cfg) for d in DESIGNS for f in (None, *(f for f in FAULTS if FAULTS[f].design == d))
             for c in ERAS if d in ERAS[c].designs for cfg in CONFIGS}
    assert set(PINNED) == every


@pytest.mark.parametrize("design,fault,era,config", sorted(PINNED, key=repr))
def test_the_model_digest_is_unchanged(design: str, fault: str | None, era: str, config: str) -> None:
    assert build_model(ModelKey(design, fault, era, config)).digest == PINNED[(design, fault, era, config)]
