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
    ('none', None, '3.16', 'tiny'): '25468a4476e53fa6',
    ('none', None, '3.16', 'tiny-span'): '690ff7066afaf6d0',
    ('none', None, '3.16', 'small'): '834d025ac35d391a',
    ('none', None, '5.3', 'tiny'): 'cbb501198dae96b9',
    ('none', None, '5.3', 'tiny-span'): '0ac6294883a314de',
    ('none', None, '5.3', 'small'): '1c95fddb71d56ed2',
    ('none', None, '5.7', 'tiny'): '864344753df02d85',
    ('none', None, '5.7', 'tiny-span'): '12d082915f49093b',
    ('none', None, '5.7', 'small'): 'ef2f06d35850a37a',
    ('none', None, '5.10', 'tiny'): 'd5363ffc46b973a9',
    ('none', None, '5.10', 'tiny-span'): '9047ee1d02462f9b',
    ('none', None, '5.10', 'small'): 'a809b41eb390edb8',
    ('none', None, '5.18', 'tiny'): 'b8e6617098bbc9cc',
    ('none', None, '5.18', 'tiny-span'): 'd59a92e85e976b60',
    ('none', None, '5.18', 'small'): '5f139a3f01fd8486',
    ('none', None, '6.1', 'tiny'): '00030ca538584374',
    ('none', None, '6.1', 'tiny-span'): 'f261b050934b5dbd',
    ('none', None, '6.1', 'small'): '564e845ec2ac9462',
    ('none', None, '6.4', 'tiny'): '520b34bec7f99810',
    ('none', None, '6.4', 'tiny-span'): '00a8ec5fe56bc54c',
    ('none', None, '6.4', 'small'): '46d215a1f48c15ed',
    ('none', None, '6.6', 'tiny'): '81b8083b3bb44594',
    ('none', None, '6.6', 'tiny-span'): '22226ecd0a9ba611',
    ('none', None, '6.6', 'small'): '5dc338dd5dc9ba2f',
    ('none', None, '6.10', 'tiny'): 'f0f2234cc4270f47',
    ('none', None, '6.10', 'tiny-span'): 'c36c5e5175d717b3',
    ('none', None, '6.10', 'small'): 'ec1d19d667913863',
    ('v9', None, '5.3', 'tiny'): '21dd37039dfa9af1',
    ('v9', None, '5.3', 'tiny-span'): '96cc08edd58bd63f',
    ('v9', None, '5.3', 'small'): '46d35e0dc6bc6152',
    ('v9', 'v9-unguarded-index-read', '5.3', 'tiny'): '887a360c95e9512e',
    ('v9', 'v9-unguarded-index-read', '5.3', 'tiny-span'): 'bd4fdab4dec33888',
    ('v9', 'v9-unguarded-index-read', '5.3', 'small'): '5477b2c4e67f3dea',
    ('v9', 'retype-keeps-stale-index', '5.3', 'tiny'): '0dabb9a9f9f83300',
    ('v9', 'retype-keeps-stale-index', '5.3', 'tiny-span'): '2d4262d8f428c5ea',
    ('v9', 'retype-keeps-stale-index', '5.3', 'small'): '506c1eb13d39efb1',
    ('v10', None, '5.3', 'tiny'): '5c18b8560091f86b',
    ('v10', None, '5.3', 'tiny-span'): '6d0abc6210073a32',
    ('v10', None, '5.3', 'small'): '9147fa2111ce675d',
    ('merged', None, '5.7', 'tiny'): '3bfc6ad77c5e9c42',
    ('merged', None, '5.7', 'tiny-span'): 'ce675e84f7c284b1',
    ('merged', None, '5.7', 'small'): '3a4c7fc3c4d2e402',
    ('merged', None, '5.10', 'tiny'): '58775c2bafa63fbb',
    ('merged', None, '5.10', 'tiny-span'): '4cc54798a880ba0e',
    ('merged', None, '5.10', 'small'): '0fb9041e2cd6856b',
    ('merged', None, '5.18', 'tiny'): '5316ed76ce4b0eca',
    ('merged', None, '5.18', 'tiny-span'): '1c08988e13722bd0',
    ('merged', None, '5.18', 'small'): '8e18160c2634498f',
    ('merged', None, '6.1', 'tiny'): 'ffd74be922e8f7fb',
    ('merged', None, '6.1', 'tiny-span'): '4bd85ed5b2310091',
    ('merged', None, '6.1', 'small'): '3259d8242472a0fa',
    ('merged', None, '6.4', 'tiny'): '9d882e4527f76cc1',
    ('merged', None, '6.4', 'tiny-span'): 'a8ae81a559d8bc82',
    ('merged', None, '6.4', 'small'): '8f333975f304ffbe',
    ('merged', None, '6.6', 'tiny'): 'cd1afb85b95ce94c',
    ('merged', None, '6.6', 'tiny-span'): '65207337567fbf8c',
    ('merged', None, '6.6', 'small'): 'a03c9e00a623e976',
    ('merged', None, '6.10', 'tiny'): 'e5164de5041f0668',
    ('merged', None, '6.10', 'tiny-span'): '062fab1d64328c77',
    ('merged', None, '6.10', 'small'): '00f69b5e02b2563d',
    ('merged', 'merge-keeps-reported', '5.7', 'tiny'): 'df17cbd28bf9701a',
    ('merged', 'merge-keeps-reported', '5.7', 'tiny-span'): 'd15ca97fda844974',
    ('merged', 'merge-keeps-reported', '5.7', 'small'): '443f0a6b651d63bb',
    ('merged', 'merge-keeps-reported', '5.10', 'tiny'): '1d54081b787c884d',
    ('merged', 'merge-keeps-reported', '5.10', 'tiny-span'): 'ce07945adc3d7383',
    ('merged', 'merge-keeps-reported', '5.10', 'small'): 'e8e8436a4283ebaf',
    ('merged', 'merge-keeps-reported', '5.18', 'tiny'): '79ce436652c08043',
    ('merged', 'merge-keeps-reported', '5.18', 'tiny-span'): '9244f82734dd919f',
    ('merged', 'merge-keeps-reported', '5.18', 'small'): '87783f10889a5cdb',
    ('merged', 'merge-keeps-reported', '6.1', 'tiny'): 'aca80104842efebd',
    ('merged', 'merge-keeps-reported', '6.1', 'tiny-span'): 'a2635683d1517aae',
    ('merged', 'merge-keeps-reported', '6.1', 'small'): 'e616357c9424adbd',
    ('merged', 'merge-keeps-reported', '6.4', 'tiny'): '683e32afae8cef9f',
    ('merged', 'merge-keeps-reported', '6.4', 'tiny-span'): 'a3a4d75e111a698b',
    ('merged', 'merge-keeps-reported', '6.4', 'small'): 'ea3d8b4aac9d79ae',
    ('merged', 'merge-keeps-reported', '6.6', 'tiny'): 'de1f756891c3b029',
    ('merged', 'merge-keeps-reported', '6.6', 'tiny-span'): 'f168c67c217620eb',
    ('merged', 'merge-keeps-reported', '6.6', 'small'): 'fb43420279368c8b',
    ('merged', 'merge-keeps-reported', '6.10', 'tiny'): '03c37d33bfdb1e59',
    ('merged', 'merge-keeps-reported', '6.10', 'tiny-span'): '4439435e4a2a51ae',
    ('merged', 'merge-keeps-reported', '6.10', 'small'): '6050cb6df2b9dda4',
    ('merged', 'alloc-keeps-reported', '5.7', 'tiny'): '499a1d9bba3790c2',
    ('merged', 'alloc-keeps-reported', '5.7', 'tiny-span'): '8cd17cf3cff2c1a6',
    ('merged', 'alloc-keeps-reported', '5.7', 'small'): '7bf5249391de612c',
    ('merged', 'alloc-keeps-reported', '5.10', 'tiny'): '0c64f93e40e74f32',
    ('merged', 'alloc-keeps-reported', '5.10', 'tiny-span'): '4af85ebfe0e53557',
    ('merged', 'alloc-keeps-reported', '5.10', 'small'): 'd164a7bc8e757010',
    ('merged', 'alloc-keeps-reported', '5.18', 'tiny'): 'b006816dc3b75418',
    ('merged', 'alloc-keeps-reported', '5.18', 'tiny-span'): 'ec9011072f8f1e9f',
    ('merged', 'alloc-keeps-reported', '5.18', 'small'): '5e98e0ff8c139428',
    ('merged', 'alloc-keeps-reported', '6.1', 'tiny'): '9395fbaeddb76af9',
    ('merged', 'alloc-keeps-reported', '6.1', 'tiny-span'): '9f1462d92afc0a3c',
    ('merged', 'alloc-keeps-reported', '6.1', 'small'): '8bf2bbcc24acf77d',
    ('merged', 'alloc-keeps-reported', '6.4', 'tiny'): '41f167154a53d152',
    ('merged', 'alloc-keeps-reported', '6.4', 'tiny-span'): '698ceb4da634305a',
    ('merged', 'alloc-keeps-reported', '6.4', 'small'): '17dd2134421a4bc8',
    ('merged', 'alloc-keeps-reported', '6.6', 'tiny'): '0dbbbb44b9f43f88',
    ('merged', 'alloc-keeps-reported', '6.6', 'tiny-span'): '1b30291e2acdc53c',
    ('merged', 'alloc-keeps-reported', '6.6', 'small'): 'ca294451950e46c9',
    ('merged', 'alloc-keeps-reported', '6.10', 'tiny'): '798d514114bffa99',
    ('merged', 'alloc-keeps-reported', '6.10', 'tiny-span'): 'afc72d4ab93e95c4',
    ('merged', 'alloc-keeps-reported', '6.10', 'small'): 'd0f18528233ca3f0',
    ('merged', 'pcp-index-not-set', '5.7', 'tiny'): '4a5b3d1bd3b184cd',
    ('merged', 'pcp-index-not-set', '5.7', 'tiny-span'): '93e8d86b3abd0d26',
    ('merged', 'pcp-index-not-set', '5.7', 'small'): '12ca3dcd2728cfee',
    ('merged', 'pcp-index-not-set', '5.10', 'tiny'): 'c639f78e3684cd08',
    ('merged', 'pcp-index-not-set', '5.10', 'tiny-span'): 'e37387d79157c6b7',
    ('merged', 'pcp-index-not-set', '5.10', 'small'): '5c5f110bdfc71afa',
    ('merged', 'pcp-index-not-set', '5.18', 'tiny'): 'a9dcb64006ee209d',
    ('merged', 'pcp-index-not-set', '5.18', 'tiny-span'): 'a31925bfd4a8086a',
    ('merged', 'pcp-index-not-set', '5.18', 'small'): '69a7b14d8e2c85c8',
    ('merged', 'pcp-index-not-set', '6.1', 'tiny'): '9d0f0aac76b463d9',
    ('merged', 'pcp-index-not-set', '6.1', 'tiny-span'): 'd61d21049e5f9d37',
    ('merged', 'pcp-index-not-set', '6.1', 'small'): 'e9afc646ecb3f0ac',
    ('merged', 'pcp-index-not-set', '6.4', 'tiny'): '80dc05050555ee6c',
    ('merged', 'pcp-index-not-set', '6.4', 'tiny-span'): '11ddcaafcd6679c2',
    ('merged', 'pcp-index-not-set', '6.4', 'small'): '3f860aec04bcccfb',
    ('merged', 'pcp-index-not-set', '6.6', 'tiny'): '7c7ec6dfbbb6205a',
    ('merged', 'pcp-index-not-set', '6.6', 'tiny-span'): 'e6001286a9d8a54b',
    ('merged', 'pcp-index-not-set', '6.6', 'small'): '678c37eb8f0dcdb8',
    ('merged', 'pcp-index-not-set', '6.10', 'tiny'): '171ac264b476aaea',
    ('merged', 'pcp-index-not-set', '6.10', 'tiny-span'): '218bf8dc3f043ca4',
    ('merged', 'pcp-index-not-set', '6.10', 'small'): 'e23f6c9a3d93eac7',
}


def test_the_table_covers_every_choice() -> None:
    every = {(d, f, c, cfg) for d in DESIGNS for f in (None, *(f for f in FAULTS if FAULTS[f].design == d))
             for c in ERAS if d in ERAS[c].designs for cfg in CONFIGS}
    assert set(PINNED) == every


@pytest.mark.parametrize("design,fault,era,config", sorted(PINNED, key=repr))
def test_the_model_digest_is_unchanged(design: str, fault: str | None, era: str, config: str) -> None:
    assert build_model(ModelKey(design, fault, era, config)).digest == PINNED[(design, fault, era, config)]
