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
    ('none', None, '3.16', 'tiny'): '51b79ef8e87d2563',
    ('none', None, '3.16', 'tiny-span'): '3916b472022ae854',
    ('none', None, '3.16', 'small'): '6adedba63f3d06bd',
    ('none', None, '5.3', 'tiny'): '51b79ef8e87d2563',
    ('none', None, '5.3', 'tiny-span'): '3916b472022ae854',
    ('none', None, '5.3', 'small'): '6adedba63f3d06bd',
    ('none', None, '5.7', 'tiny'): '51b79ef8e87d2563',
    ('none', None, '5.7', 'tiny-span'): '3916b472022ae854',
    ('none', None, '5.7', 'small'): '6adedba63f3d06bd',
    ('none', None, '5.10', 'tiny'): '51b79ef8e87d2563',
    ('none', None, '5.10', 'tiny-span'): '3916b472022ae854',
    ('none', None, '5.10', 'small'): '6adedba63f3d06bd',
    ('none', None, '6.1', 'tiny'): '51b79ef8e87d2563',
    ('none', None, '6.1', 'tiny-span'): '3916b472022ae854',
    ('none', None, '6.1', 'small'): '6adedba63f3d06bd',
    ('none', None, '6.6', 'tiny'): '51b79ef8e87d2563',
    ('none', None, '6.6', 'tiny-span'): '3916b472022ae854',
    ('none', None, '6.6', 'small'): '6adedba63f3d06bd',
    ('none', None, '6.10', 'tiny'): 'f8dc88f4c9b3d80f',
    ('none', None, '6.10', 'tiny-span'): '76681cdee9ef1607',
    ('none', None, '6.10', 'small'): '1f2cf301350c1bd4',
    ('v9', None, '5.3', 'tiny'): '4fcf86225183cd74',
    ('v9', None, '5.3', 'tiny-span'): '83081adde788e872',
    ('v9', None, '5.3', 'small'): 'cdee20282ba5533a',
    ('v9', 'v9-unguarded-index-read', '5.3', 'tiny'): '44067cfbcfc60902',
    ('v9', 'v9-unguarded-index-read', '5.3', 'tiny-span'): 'd910813a0188cbcd',
    ('v9', 'v9-unguarded-index-read', '5.3', 'small'): '6cce413f99e1ea15',
    ('v9', 'retype-keeps-stale-index', '5.3', 'tiny'): '193b43356ebc998f',
    ('v9', 'retype-keeps-stale-index', '5.3', 'tiny-span'): '25dc1c9f34864c51',
    ('v9', 'retype-keeps-stale-index', '5.3', 'small'): '03e2680b45d792c0',
    ('v10', None, '5.3', 'tiny'): 'dc12cc1fd6476aa2',
    ('v10', None, '5.3', 'tiny-span'): '5ddfa5fa6151fd97',
    ('v10', None, '5.3', 'small'): '9551e80269690f72',
    ('merged', None, '5.7', 'tiny'): '6a3ef1c030879601',
    ('merged', None, '5.7', 'tiny-span'): '7505eb21f3d14205',
    ('merged', None, '5.7', 'small'): '61b79e14647e5ac8',
    ('merged', None, '5.10', 'tiny'): '6a3ef1c030879601',
    ('merged', None, '5.10', 'tiny-span'): '7505eb21f3d14205',
    ('merged', None, '5.10', 'small'): '61b79e14647e5ac8',
    ('merged', None, '6.1', 'tiny'): '6a3ef1c030879601',
    ('merged', None, '6.1', 'tiny-span'): '7505eb21f3d14205',
    ('merged', None, '6.1', 'small'): '61b79e14647e5ac8',
    ('merged', None, '6.6', 'tiny'): '6a3ef1c030879601',
    ('merged', None, '6.6', 'tiny-span'): '7505eb21f3d14205',
    ('merged', None, '6.6', 'small'): '61b79e14647e5ac8',
    ('merged', None, '6.10', 'tiny'): '5202ba51ef72ac4c',
    ('merged', None, '6.10', 'tiny-span'): 'a2888198b7152234',
    ('merged', None, '6.10', 'small'): 'f87e9a83b28c8f9a',
    ('merged', 'merge-keeps-reported', '5.7', 'tiny'): 'cf53c31e7b696a88',
    ('merged', 'merge-keeps-reported', '5.7', 'tiny-span'): '38d3829410c47ca7',
    ('merged', 'merge-keeps-reported', '5.7', 'small'): 'aa92e3cb110e8d3b',
    ('merged', 'merge-keeps-reported', '5.10', 'tiny'): 'cf53c31e7b696a88',
    ('merged', 'merge-keeps-reported', '5.10', 'tiny-span'): '38d3829410c47ca7',
    ('merged', 'merge-keeps-reported', '5.10', 'small'): 'aa92e3cb110e8d3b',
    ('merged', 'merge-keeps-reported', '6.1', 'tiny'): 'cf53c31e7b696a88',
    ('merged', 'merge-keeps-reported', '6.1', 'tiny-span'): '38d3829410c47ca7',
    ('merged', 'merge-keeps-reported', '6.1', 'small'): 'aa92e3cb110e8d3b',
    ('merged', 'merge-keeps-reported', '6.6', 'tiny'): 'cf53c31e7b696a88',
    ('merged', 'merge-keeps-reported', '6.6', 'tiny-span'): '38d3829410c47ca7',
    ('merged', 'merge-keeps-reported', '6.6', 'small'): 'aa92e3cb110e8d3b',
    ('merged', 'merge-keeps-reported', '6.10', 'tiny'): '1cc83be06a36dde6',
    ('merged', 'merge-keeps-reported', '6.10', 'tiny-span'): '8520d2a014293eae',
    ('merged', 'merge-keeps-reported', '6.10', 'small'): 'e49f9e764f61efd8',
    ('merged', 'alloc-keeps-reported', '5.7', 'tiny'): 'e97ae08e3da11f61',
    ('merged', 'alloc-keeps-reported', '5.7', 'tiny-span'): '957ad9b7af137488',
    ('merged', 'alloc-keeps-reported', '5.7', 'small'): '9d63337c73b77af0',
    ('merged', 'alloc-keeps-reported', '5.10', 'tiny'): 'e97ae08e3da11f61',
    ('merged', 'alloc-keeps-reported', '5.10', 'tiny-span'): '957ad9b7af137488',
    ('merged', 'alloc-keeps-reported', '5.10', 'small'): '9d63337c73b77af0',
    ('merged', 'alloc-keeps-reported', '6.1', 'tiny'): 'e97ae08e3da11f61',
    ('merged', 'alloc-keeps-reported', '6.1', 'tiny-span'): '957ad9b7af137488',
    ('merged', 'alloc-keeps-reported', '6.1', 'small'): '9d63337c73b77af0',
    ('merged', 'alloc-keeps-reported', '6.6', 'tiny'): 'e97ae08e3da11f61',
    ('merged', 'alloc-keeps-reported', '6.6', 'tiny-span'): '957ad9b7af137488',
    ('merged', 'alloc-keeps-reported', '6.6', 'small'): '9d63337c73b77af0',
    ('merged', 'alloc-keeps-reported', '6.10', 'tiny'): 'e3b9d09cf56a46ce',
    ('merged', 'alloc-keeps-reported', '6.10', 'tiny-span'): 'e6b023a3c50867a8',
    ('merged', 'alloc-keeps-reported', '6.10', 'small'): '06bcac934409b8fd',
    ('merged', 'pcp-index-not-set', '5.7', 'tiny'): '0bc16cfac91a2fb3',
    ('merged', 'pcp-index-not-set', '5.7', 'tiny-span'): 'af2a8f7b19d5acaa',
    ('merged', 'pcp-index-not-set', '5.7', 'small'): '5f5ac6977056b1cf',
    ('merged', 'pcp-index-not-set', '5.10', 'tiny'): '0bc16cfac91a2fb3',
    ('merged', 'pcp-index-not-set', '5.10', 'tiny-span'): 'af2a8f7b19d5acaa',
    ('merged', 'pcp-index-not-set', '5.10', 'small'): '5f5ac6977056b1cf',
    ('merged', 'pcp-index-not-set', '6.1', 'tiny'): '0bc16cfac91a2fb3',
    ('merged', 'pcp-index-not-set', '6.1', 'tiny-span'): 'af2a8f7b19d5acaa',
    ('merged', 'pcp-index-not-set', '6.1', 'small'): '5f5ac6977056b1cf',
    ('merged', 'pcp-index-not-set', '6.6', 'tiny'): '0bc16cfac91a2fb3',
    ('merged', 'pcp-index-not-set', '6.6', 'tiny-span'): 'af2a8f7b19d5acaa',
    ('merged', 'pcp-index-not-set', '6.6', 'small'): '5f5ac6977056b1cf',
    ('merged', 'pcp-index-not-set', '6.10', 'tiny'): '0d08e3be4959e66b',
    ('merged', 'pcp-index-not-set', '6.10', 'tiny-span'): 'c35767a51ba60f22',
    ('merged', 'pcp-index-not-set', '6.10', 'small'): 'ae540a26d4c27512',
}


def test_the_table_covers_every_choice() -> None:
    every = {(d, f, c, cfg) for d in DESIGNS for f in (None, *(f for f in FAULTS if FAULTS[f].design == d))
             for c in ERAS if d in ERAS[c].designs for cfg in CONFIGS}
    assert set(PINNED) == every


@pytest.mark.parametrize("design,fault,era,config", sorted(PINNED, key=repr))
def test_the_model_digest_is_unchanged(design: str, fault: str | None, era: str, config: str) -> None:
    assert build_model(ModelKey(design, fault, era, config)).digest == PINNED[(design, fault, era, config)]
