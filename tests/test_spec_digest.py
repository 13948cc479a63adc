"""The spec digest of every design x fault x era x configuration, pinned.

Stored traces carry the digest of the model that made them, and a refactoring of spec/
(splitting modules, faults as overrides, the era type) must build the same IR: a changed
digest here means the IR changed, so the stored traces and pinned counts no longer speak
for the model.  Only an intended model change may update this table (and then the
catalogue is regenerated in the same commit)."""

from __future__ import annotations

import pytest

from spec import CONFIGS, DESIGNS, ERAS, FAULTS, ModelKey, build_model

# (design, fault, era, config) -> Model.digest, computed before spec/ was restructured (when
# the era was the bool pcp_cache: 5.3-5.7 on, 6.10 off).  A new era adds its rows.
PINNED: dict[tuple[str, str | None, str, str], str] = {
    ('v9', None, '5.3-5.7', 'tiny'): '4fcf86225183cd74',
    ('v9', None, '5.3-5.7', 'tiny-span'): '83081adde788e872',
    ('v9', None, '5.3-5.7', 'small'): 'cdee20282ba5533a',
    ('v9', None, '6.10', 'tiny'): 'ba80572c1b925cb8',
    ('v9', None, '6.10', 'tiny-span'): '08e3750cf86b2a4f',
    ('v9', None, '6.10', 'small'): 'f301f82ceeb6b514',
    ('v9', 'v9-unguarded-index-read', '5.3-5.7', 'tiny'): '44067cfbcfc60902',
    ('v9', 'v9-unguarded-index-read', '5.3-5.7', 'tiny-span'): 'd910813a0188cbcd',
    ('v9', 'v9-unguarded-index-read', '5.3-5.7', 'small'): '6cce413f99e1ea15',
    ('v9', 'v9-unguarded-index-read', '6.10', 'tiny'): 'e49594ba6847b8dc',
    ('v9', 'v9-unguarded-index-read', '6.10', 'tiny-span'): '86aec99236088b2c',
    ('v9', 'v9-unguarded-index-read', '6.10', 'small'): 'e5b366c51f2b59cc',
    ('v9', 'retype-keeps-stale-index', '5.3-5.7', 'tiny'): '193b43356ebc998f',
    ('v9', 'retype-keeps-stale-index', '5.3-5.7', 'tiny-span'): '25dc1c9f34864c51',
    ('v9', 'retype-keeps-stale-index', '5.3-5.7', 'small'): '03e2680b45d792c0',
    ('v9', 'retype-keeps-stale-index', '6.10', 'tiny'): 'f9010aaf501161d2',
    ('v9', 'retype-keeps-stale-index', '6.10', 'tiny-span'): 'f48c6f6429bcf557',
    ('v9', 'retype-keeps-stale-index', '6.10', 'small'): '342acd178d09e0de',
    ('v10', None, '5.3-5.7', 'tiny'): 'dc12cc1fd6476aa2',
    ('v10', None, '5.3-5.7', 'tiny-span'): '5ddfa5fa6151fd97',
    ('v10', None, '5.3-5.7', 'small'): '9551e80269690f72',
    ('v10', None, '6.10', 'tiny'): '8275c5190dd3f1c3',
    ('v10', None, '6.10', 'tiny-span'): 'ea77f479043259a5',
    ('v10', None, '6.10', 'small'): 'c2d611bfd48bc097',
    ('merged', None, '5.3-5.7', 'tiny'): '6a3ef1c030879601',
    ('merged', None, '5.3-5.7', 'tiny-span'): '7505eb21f3d14205',
    ('merged', None, '5.3-5.7', 'small'): '61b79e14647e5ac8',
    ('merged', None, '6.10', 'tiny'): '5202ba51ef72ac4c',
    ('merged', None, '6.10', 'tiny-span'): 'a2888198b7152234',
    ('merged', None, '6.10', 'small'): 'f87e9a83b28c8f9a',
    ('merged', 'merge-keeps-reported', '5.3-5.7', 'tiny'): 'cf53c31e7b696a88',
    ('merged', 'merge-keeps-reported', '5.3-5.7', 'tiny-span'): '38d3829410c47ca7',
    ('merged', 'merge-keeps-reported', '5.3-5.7', 'small'): 'aa92e3cb110e8d3b',
    ('merged', 'merge-keeps-reported', '6.10', 'tiny'): '1cc83be06a36dde6',
    ('merged', 'merge-keeps-reported', '6.10', 'tiny-span'): '8520d2a014293eae',
    ('merged', 'merge-keeps-reported', '6.10', 'small'): 'e49f9e764f61efd8',
    ('merged', 'alloc-keeps-reported', '5.3-5.7', 'tiny'): 'e97ae08e3da11f61',
    ('merged', 'alloc-keeps-reported', '5.3-5.7', 'tiny-span'): '957ad9b7af137488',
    ('merged', 'alloc-keeps-reported', '5.3-5.7', 'small'): '9d63337c73b77af0',
    ('merged', 'alloc-keeps-reported', '6.10', 'tiny'): 'e3b9d09cf56a46ce',
    ('merged', 'alloc-keeps-reported', '6.10', 'tiny-span'): 'e6b023a3c50867a8',
    ('merged', 'alloc-keeps-reported', '6.10', 'small'): '06bcac934409b8fd',
    ('merged', 'pcp-index-not-set', '5.3-5.7', 'tiny'): '0bc16cfac91a2fb3',
    ('merged', 'pcp-index-not-set', '5.3-5.7', 'tiny-span'): 'af2a8f7b19d5acaa',
    ('merged', 'pcp-index-not-set', '5.3-5.7', 'small'): '5f5ac6977056b1cf',
    ('merged', 'pcp-index-not-set', '6.10', 'tiny'): '0d08e3be4959e66b',
    ('merged', 'pcp-index-not-set', '6.10', 'tiny-span'): 'c35767a51ba60f22',
    ('merged', 'pcp-index-not-set', '6.10', 'small'): 'ae540a26d4c27512',
}


def test_the_table_covers_every_choice() -> None:
    every = {(d, f, c, cfg) for d in DESIGNS for f in (None, *(f for f in FAULTS if FAULTS[f].design == d))
             for c in ERAS for cfg in CONFIGS}
    assert set(PINNED) == every


@pytest.mark.parametrize("design,fault,era,config", sorted(PINNED, key=repr))
def test_the_model_digest_is_unchanged(design: str, fault: str | None, era: str, config: str) -> None:
    assert build_model(ModelKey(design, fault, era, config)).digest == PINNED[(design, fault, era, config)]
