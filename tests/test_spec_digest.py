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
    ('none', None, '3.16', 'tiny'): 'f45189da61c52911',
    ('none', None, '3.16', 'tiny-span'): '789606608fcf49db',
    ('none', None, '3.16', 'small'): 'b1ed802806e66316',
    ('none', None, '5.3', 'tiny'): '51b79ef8e87d2563',
    ('none', None, '5.3', 'tiny-span'): '3916b472022ae854',
    ('none', None, '5.3', 'small'): '6adedba63f3d06bd',
    ('none', None, '5.7', 'tiny'): 'd7d943165276c190',
    ('none', None, '5.7', 'tiny-span'): '92d7d99ecd673c15',
    ('none', None, '5.7', 'small'): 'ca0d3551f244ce3e',
    ('none', None, '5.10', 'tiny'): '58d00dd6292fddb1',
    ('none', None, '5.10', 'tiny-span'): '495200ec0377ead9',
    ('none', None, '5.10', 'small'): 'eb6dbaca2efe5b45',
    ('none', None, '6.1', 'tiny'): 'a9647beaee8b5ebe',
    ('none', None, '6.1', 'tiny-span'): 'a490e855e80b0059',
    ('none', None, '6.1', 'small'): '86cb1bae4a2cb93d',
    ('none', None, '6.6', 'tiny'): '3cdb9046b31b0f7f',
    ('none', None, '6.6', 'tiny-span'): '3c4e410ec27d4159',
    ('none', None, '6.6', 'small'): '4f91f167acd0d396',
    ('none', None, '6.10', 'tiny'): 'ce1be4db716e0876',
    ('none', None, '6.10', 'tiny-span'): '01dc58bd1abe6435',
    ('none', None, '6.10', 'small'): '2c86afa6e03de248',
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
    ('merged', None, '5.7', 'tiny'): '21ac5a74da163847',
    ('merged', None, '5.7', 'tiny-span'): '50cd80829e837bc3',
    ('merged', None, '5.7', 'small'): 'dbddda0138df1e11',
    ('merged', None, '5.10', 'tiny'): '384680b3f72d7c0a',
    ('merged', None, '5.10', 'tiny-span'): 'e8bbb7954dc27c62',
    ('merged', None, '5.10', 'small'): '7fd24e2105dd5d7e',
    ('merged', None, '6.1', 'tiny'): '4887de3bf72dede3',
    ('merged', None, '6.1', 'tiny-span'): '377569049a23e1b2',
    ('merged', None, '6.1', 'small'): 'd0d879d395c7e705',
    ('merged', None, '6.6', 'tiny'): '5cf4eb482d9e0d77',
    ('merged', None, '6.6', 'tiny-span'): '81dfd76290e10b32',
    ('merged', None, '6.6', 'small'): '636a25808ff74a59',
    ('merged', None, '6.10', 'tiny'): 'ac68bcdab27b6da5',
    ('merged', None, '6.10', 'tiny-span'): 'bd3f83f485ab266c',
    ('merged', None, '6.10', 'small'): '6ac2d1d0bcb3b832',
    ('merged', 'merge-keeps-reported', '5.7', 'tiny'): '86441f3525a01289',
    ('merged', 'merge-keeps-reported', '5.7', 'tiny-span'): '06285b3e4b1c11f2',
    ('merged', 'merge-keeps-reported', '5.7', 'small'): '14903308b7c9de30',
    ('merged', 'merge-keeps-reported', '5.10', 'tiny'): '42a8a91672ed98ee',
    ('merged', 'merge-keeps-reported', '5.10', 'tiny-span'): '9aa4699d6d09cb12',
    ('merged', 'merge-keeps-reported', '5.10', 'small'): '71c181ca096f4a23',
    ('merged', 'merge-keeps-reported', '6.1', 'tiny'): '9dae7001c84c1b47',
    ('merged', 'merge-keeps-reported', '6.1', 'tiny-span'): 'c0334329f68b9c81',
    ('merged', 'merge-keeps-reported', '6.1', 'small'): '6c6bc3254c0d0600',
    ('merged', 'merge-keeps-reported', '6.6', 'tiny'): '43467fd85029fbf5',
    ('merged', 'merge-keeps-reported', '6.6', 'tiny-span'): '2df1466361392d3b',
    ('merged', 'merge-keeps-reported', '6.6', 'small'): '6b3b53c663aa0799',
    ('merged', 'merge-keeps-reported', '6.10', 'tiny'): '6f756ba58ee1beea',
    ('merged', 'merge-keeps-reported', '6.10', 'tiny-span'): '9254fe932678e27a',
    ('merged', 'merge-keeps-reported', '6.10', 'small'): '95ff0f9286860004',
    ('merged', 'alloc-keeps-reported', '5.7', 'tiny'): '224ff7944b8e2657',
    ('merged', 'alloc-keeps-reported', '5.7', 'tiny-span'): '8748db0e4a1498a5',
    ('merged', 'alloc-keeps-reported', '5.7', 'small'): '4f2f32762cef4d49',
    ('merged', 'alloc-keeps-reported', '5.10', 'tiny'): 'd72948509e6c846d',
    ('merged', 'alloc-keeps-reported', '5.10', 'tiny-span'): 'b1d9d821cf68b654',
    ('merged', 'alloc-keeps-reported', '5.10', 'small'): '6ce11bb7b40814ac',
    ('merged', 'alloc-keeps-reported', '6.1', 'tiny'): '453b2d2fe12b3972',
    ('merged', 'alloc-keeps-reported', '6.1', 'tiny-span'): 'e70299c42779dcb0',
    ('merged', 'alloc-keeps-reported', '6.1', 'small'): '1dafdbab14ba1b80',
    ('merged', 'alloc-keeps-reported', '6.6', 'tiny'): '9d4fa96ee477d420',
    ('merged', 'alloc-keeps-reported', '6.6', 'tiny-span'): '4f092fb370f74e27',
    ('merged', 'alloc-keeps-reported', '6.6', 'small'): '4bff9e5bdc2dd5ed',
    ('merged', 'alloc-keeps-reported', '6.10', 'tiny'): '73156ab97b73175d',
    ('merged', 'alloc-keeps-reported', '6.10', 'tiny-span'): 'a349a249c2a4e715',
    ('merged', 'alloc-keeps-reported', '6.10', 'small'): 'd20fb45d67265020',
    ('merged', 'pcp-index-not-set', '5.7', 'tiny'): '02a62c5af98f2aa4',
    ('merged', 'pcp-index-not-set', '5.7', 'tiny-span'): '2cba63557f0cfb1a',
    ('merged', 'pcp-index-not-set', '5.7', 'small'): 'bb201e78382d3750',
    ('merged', 'pcp-index-not-set', '5.10', 'tiny'): '6f292fc42f0b2f7d',
    ('merged', 'pcp-index-not-set', '5.10', 'tiny-span'): '1c4f694bf5a26da8',
    ('merged', 'pcp-index-not-set', '5.10', 'small'): '41e3cdebf959293d',
    ('merged', 'pcp-index-not-set', '6.1', 'tiny'): '5998ab8aa984b8bd',
    ('merged', 'pcp-index-not-set', '6.1', 'tiny-span'): '9de5ca812a96f4ec',
    ('merged', 'pcp-index-not-set', '6.1', 'small'): 'ddfb01c54b73045c',
    ('merged', 'pcp-index-not-set', '6.6', 'tiny'): '6abcf2142f2e84df',
    ('merged', 'pcp-index-not-set', '6.6', 'tiny-span'): '0f5cbe916bf30451',
    ('merged', 'pcp-index-not-set', '6.6', 'small'): '599d1e15fa98238e',
    ('merged', 'pcp-index-not-set', '6.10', 'tiny'): '17a8d53d74d6040f',
    ('merged', 'pcp-index-not-set', '6.10', 'tiny-span'): 'e258f09a59f595d3',
    ('merged', 'pcp-index-not-set', '6.10', 'small'): '347ac7a0d0a4d262',
}


def test_the_table_covers_every_choice() -> None:
    every = {(d, f, c, cfg) for d in DESIGNS for f in (None, *(f for f in FAULTS if FAULTS[f].design == d))
             for c in ERAS if d in ERAS[c].designs for cfg in CONFIGS}
    assert set(PINNED) == every


@pytest.mark.parametrize("design,fault,era,config", sorted(PINNED, key=repr))
def test_the_model_digest_is_unchanged(design: str, fault: str | None, era: str, config: str) -> None:
    assert build_model(ModelKey(design, fault, era, config)).digest == PINNED[(design, fault, era, config)]
