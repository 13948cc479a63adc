"""The spec digest of every design x fault x era x configuration, pinned.

Stored traces carry the digest of the model that made them, and a refactoring of spec/
(splitting modules, faults as overrides, the era type) must build the same IR: a changed
digest here means the IR changed, so the stored traces and pinned counts no longer speak
for the model.  Only an intended model change may update this table (and then the
catalogue is regenerated in the same commit)."""

from __future__ import annotations

import pytest

from spec import CONFIGS, DESIGNS, ERAS, FAULTS, ModelKey, build_model

# (design, fault, era, config) -> Model.digest, for every era x design that existed.  The
# isolation callers (start_isolate_page_range, drain_all_pages, test_pages_isolated) changed
# every row; a row changes again only with the model of that release.
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
    ('none', None, '6.1', 'tiny'): 'b8e6617098bbc9cc',
    ('none', None, '6.1', 'tiny-span'): 'd59a92e85e976b60',
    ('none', None, '6.1', 'small'): '667098b809531f1d',
    ('none', None, '6.6', 'tiny'): '2ac6d92f3eb488b8',
    ('none', None, '6.6', 'tiny-span'): 'ae15dbf83199ba14',
    ('none', None, '6.6', 'small'): '5ffd53c85c51cbc6',
    ('none', None, '6.10', 'tiny'): 'f11bf0cc9cbfb112',
    ('none', None, '6.10', 'tiny-span'): '16931d84af10c64b',
    ('none', None, '6.10', 'small'): 'eb9888de9eeee92a',
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
    ('merged', None, '6.1', 'tiny'): '5316ed76ce4b0eca',
    ('merged', None, '6.1', 'tiny-span'): '1c08988e13722bd0',
    ('merged', None, '6.1', 'small'): '561edc3477884f1d',
    ('merged', None, '6.6', 'tiny'): '35b5e4cadbd86cf3',
    ('merged', None, '6.6', 'tiny-span'): 'db91afc1c1b180e1',
    ('merged', None, '6.6', 'small'): 'b7678b707bba3d32',
    ('merged', None, '6.10', 'tiny'): 'b82db169512b9134',
    ('merged', None, '6.10', 'tiny-span'): '857c53b27e00af0f',
    ('merged', None, '6.10', 'small'): '8af38602ebce2db7',
    ('merged', 'merge-keeps-reported', '5.7', 'tiny'): 'df17cbd28bf9701a',
    ('merged', 'merge-keeps-reported', '5.7', 'tiny-span'): 'd15ca97fda844974',
    ('merged', 'merge-keeps-reported', '5.7', 'small'): 'fcda2f497bec82b9',
    ('merged', 'merge-keeps-reported', '5.10', 'tiny'): '1d54081b787c884d',
    ('merged', 'merge-keeps-reported', '5.10', 'tiny-span'): 'ce07945adc3d7383',
    ('merged', 'merge-keeps-reported', '5.10', 'small'): 'd883b2486b48d17c',
    ('merged', 'merge-keeps-reported', '6.1', 'tiny'): '79ce436652c08043',
    ('merged', 'merge-keeps-reported', '6.1', 'tiny-span'): '9244f82734dd919f',
    ('merged', 'merge-keeps-reported', '6.1', 'small'): '471f77913d283ca0',
    ('merged', 'merge-keeps-reported', '6.6', 'tiny'): '343d639c09ad4ada',
    ('merged', 'merge-keeps-reported', '6.6', 'tiny-span'): 'e6b85a14198c574c',
    ('merged', 'merge-keeps-reported', '6.6', 'small'): '3f73bf6e85dc31be',
    ('merged', 'merge-keeps-reported', '6.10', 'tiny'): '0925790dc839dc0e',
    ('merged', 'merge-keeps-reported', '6.10', 'tiny-span'): '81ab88983d13c907',
    ('merged', 'merge-keeps-reported', '6.10', 'small'): '8e909e8a248b2c36',
    ('merged', 'alloc-keeps-reported', '5.7', 'tiny'): '499a1d9bba3790c2',
    ('merged', 'alloc-keeps-reported', '5.7', 'tiny-span'): '8cd17cf3cff2c1a6',
    ('merged', 'alloc-keeps-reported', '5.7', 'small'): '41dc20c270b70695',
    ('merged', 'alloc-keeps-reported', '5.10', 'tiny'): '0c64f93e40e74f32',
    ('merged', 'alloc-keeps-reported', '5.10', 'tiny-span'): '4af85ebfe0e53557',
    ('merged', 'alloc-keeps-reported', '5.10', 'small'): 'a4be44e7a97e8f2b',
    ('merged', 'alloc-keeps-reported', '6.1', 'tiny'): 'b006816dc3b75418',
    ('merged', 'alloc-keeps-reported', '6.1', 'tiny-span'): 'ec9011072f8f1e9f',
    ('merged', 'alloc-keeps-reported', '6.1', 'small'): 'dd76d8e3d49d52e1',
    ('merged', 'alloc-keeps-reported', '6.6', 'tiny'): '5cb91cc15d51d613',
    ('merged', 'alloc-keeps-reported', '6.6', 'tiny-span'): '56bf62db29fcbf38',
    ('merged', 'alloc-keeps-reported', '6.6', 'small'): '15247dd0f54c416d',
    ('merged', 'alloc-keeps-reported', '6.10', 'tiny'): 'a16fa8b80884edee',
    ('merged', 'alloc-keeps-reported', '6.10', 'tiny-span'): '8c25fd89c5f14ceb',
    ('merged', 'alloc-keeps-reported', '6.10', 'small'): 'f194703071f2e27f',
    ('merged', 'pcp-index-not-set', '5.7', 'tiny'): '4a5b3d1bd3b184cd',
    ('merged', 'pcp-index-not-set', '5.7', 'tiny-span'): '93e8d86b3abd0d26',
    ('merged', 'pcp-index-not-set', '5.7', 'small'): '0eb387793b5954d8',
    ('merged', 'pcp-index-not-set', '5.10', 'tiny'): 'c639f78e3684cd08',
    ('merged', 'pcp-index-not-set', '5.10', 'tiny-span'): 'e37387d79157c6b7',
    ('merged', 'pcp-index-not-set', '5.10', 'small'): '338d0c77b664bd6b',
    ('merged', 'pcp-index-not-set', '6.1', 'tiny'): 'a9dcb64006ee209d',
    ('merged', 'pcp-index-not-set', '6.1', 'tiny-span'): 'a31925bfd4a8086a',
    ('merged', 'pcp-index-not-set', '6.1', 'small'): 'a25c22291c437668',
    ('merged', 'pcp-index-not-set', '6.6', 'tiny'): '41b8b8356e7c662d',
    ('merged', 'pcp-index-not-set', '6.6', 'tiny-span'): '1c085e761a42e39f',
    ('merged', 'pcp-index-not-set', '6.6', 'small'): '3c32c9f476a0c533',
    ('merged', 'pcp-index-not-set', '6.10', 'tiny'): '09ce7e22bd9f5e5f',
    ('merged', 'pcp-index-not-set', '6.10', 'tiny-span'): '80639d981dd5eb7b',
    ('merged', 'pcp-index-not-set', '6.10', 'small'): 'd2001f7d4ffacac7',
}


def test_the_table_covers_every_choice() -> None:
    every = {(d, f, c, cfg) for d in DESIGNS for f in (None, *(f for f in FAULTS if FAULTS[f].design == d))
             for c in ERAS if d in ERAS[c].designs for cfg in CONFIGS}
    assert set(PINNED) == every


@pytest.mark.parametrize("design,fault,era,config", sorted(PINNED, key=repr))
def test_the_model_digest_is_unchanged(design: str, fault: str | None, era: str, config: str) -> None:
    assert build_model(ModelKey(design, fault, era, config)).digest == PINNED[(design, fault, era, config)]
