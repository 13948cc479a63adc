"""The spec digest of every design x fault x era x configuration, pinned.

Stored traces carry the digest of the model that made them, and a refactoring of spec/
(splitting modules, faults as overrides, the era type) must build the same IR: a changed
digest here means the IR changed, so the stored traces and pinned counts no longer speak
for the model.  Only an intended model change may update this table (and then the
catalogue is regenerated in the same commit)."""

from __future__ import annotations

import pytest

from spec import CONFIGS, DESIGNS, FAULTS, build_model

# (design, fault, pcp_cache, config) -> Model.digest, computed before spec/ was restructured
PINNED: dict[tuple[str, str | None, bool, str], str] = {
    ('v9', None, True, 'tiny'): '4fcf86225183cd74',
    ('v9', None, True, 'tiny-span'): '83081adde788e872',
    ('v9', None, True, 'small'): 'cdee20282ba5533a',
    ('v9', None, False, 'tiny'): 'ba80572c1b925cb8',
    ('v9', None, False, 'tiny-span'): '08e3750cf86b2a4f',
    ('v9', None, False, 'small'): 'f301f82ceeb6b514',
    ('v9', 'v9-unguarded-index-read', True, 'tiny'): '44067cfbcfc60902',
    ('v9', 'v9-unguarded-index-read', True, 'tiny-span'): 'd910813a0188cbcd',
    ('v9', 'v9-unguarded-index-read', True, 'small'): '6cce413f99e1ea15',
    ('v9', 'v9-unguarded-index-read', False, 'tiny'): 'e49594ba6847b8dc',
    ('v9', 'v9-unguarded-index-read', False, 'tiny-span'): '86aec99236088b2c',
    ('v9', 'v9-unguarded-index-read', False, 'small'): 'e5b366c51f2b59cc',
    ('v9', 'retype-keeps-stale-index', True, 'tiny'): '193b43356ebc998f',
    ('v9', 'retype-keeps-stale-index', True, 'tiny-span'): '25dc1c9f34864c51',
    ('v9', 'retype-keeps-stale-index', True, 'small'): '03e2680b45d792c0',
    ('v9', 'retype-keeps-stale-index', False, 'tiny'): 'f9010aaf501161d2',
    ('v9', 'retype-keeps-stale-index', False, 'tiny-span'): 'f48c6f6429bcf557',
    ('v9', 'retype-keeps-stale-index', False, 'small'): '342acd178d09e0de',
    ('v10', None, True, 'tiny'): 'dc12cc1fd6476aa2',
    ('v10', None, True, 'tiny-span'): '5ddfa5fa6151fd97',
    ('v10', None, True, 'small'): '9551e80269690f72',
    ('v10', None, False, 'tiny'): '8275c5190dd3f1c3',
    ('v10', None, False, 'tiny-span'): 'ea77f479043259a5',
    ('v10', None, False, 'small'): 'c2d611bfd48bc097',
    ('merged', None, True, 'tiny'): '6a3ef1c030879601',
    ('merged', None, True, 'tiny-span'): '7505eb21f3d14205',
    ('merged', None, True, 'small'): '61b79e14647e5ac8',
    ('merged', None, False, 'tiny'): '5202ba51ef72ac4c',
    ('merged', None, False, 'tiny-span'): 'a2888198b7152234',
    ('merged', None, False, 'small'): 'f87e9a83b28c8f9a',
    ('merged', 'merge-keeps-reported', True, 'tiny'): 'cf53c31e7b696a88',
    ('merged', 'merge-keeps-reported', True, 'tiny-span'): '38d3829410c47ca7',
    ('merged', 'merge-keeps-reported', True, 'small'): 'aa92e3cb110e8d3b',
    ('merged', 'merge-keeps-reported', False, 'tiny'): '1cc83be06a36dde6',
    ('merged', 'merge-keeps-reported', False, 'tiny-span'): '8520d2a014293eae',
    ('merged', 'merge-keeps-reported', False, 'small'): 'e49f9e764f61efd8',
    ('merged', 'alloc-keeps-reported', True, 'tiny'): 'e97ae08e3da11f61',
    ('merged', 'alloc-keeps-reported', True, 'tiny-span'): '957ad9b7af137488',
    ('merged', 'alloc-keeps-reported', True, 'small'): '9d63337c73b77af0',
    ('merged', 'alloc-keeps-reported', False, 'tiny'): 'e3b9d09cf56a46ce',
    ('merged', 'alloc-keeps-reported', False, 'tiny-span'): 'e6b023a3c50867a8',
    ('merged', 'alloc-keeps-reported', False, 'small'): '06bcac934409b8fd',
    ('merged', 'pcp-index-not-set', True, 'tiny'): '0bc16cfac91a2fb3',
    ('merged', 'pcp-index-not-set', True, 'tiny-span'): 'af2a8f7b19d5acaa',
    ('merged', 'pcp-index-not-set', True, 'small'): '5f5ac6977056b1cf',
    ('merged', 'pcp-index-not-set', False, 'tiny'): '0d08e3be4959e66b',
    ('merged', 'pcp-index-not-set', False, 'tiny-span'): 'c35767a51ba60f22',
    ('merged', 'pcp-index-not-set', False, 'small'): 'ae540a26d4c27512',
}


def test_the_table_covers_every_choice() -> None:
    every = {(d, f, c, cfg) for d in DESIGNS for f in (None, *(f for f in FAULTS if FAULTS[f].design == d))
             for c in (True, False) for cfg in CONFIGS}
    assert set(PINNED) == every


@pytest.mark.parametrize("design,fault,pcp_cache,config", sorted(PINNED, key=repr))
def test_the_model_digest_is_unchanged(design: str, fault: str | None, pcp_cache: bool, config: str) -> None:
    assert build_model(design, fault, pcp_cache, config).digest == PINNED[(design, fault, pcp_cache, config)]
