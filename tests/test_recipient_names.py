"""How recipients are named and found (``godnaravard.recipient_names``, issue 17 §3)."""

from __future__ import annotations

from pathlib import Path

import pytest

import godnaravard
from godnaravard.agreements import load_agreement
from godnaravard.core import Recipient
from godnaravard.recipient_names import UnknownRecipientError, find_recipient, short_heading, short_name

FIXTURES = Path(__file__).parent / "fixtures"
KOMMUN = FIXTURES / "kommun_bidrag"
GUIDE = FIXTURES / "guide_kommuner_ambulans"


@pytest.fixture(scope="module")
def kommun() -> godnaravard.Allocation:
    return godnaravard.allocate(agreement=KOMMUN)


@pytest.fixture(scope="module")
def regions() -> godnaravard.Allocation:
    return godnaravard.allocate(agreement=GUIDE)


def test_short_names_and_their_heading_follow_the_recipient_word() -> None:
    kommun, region = load_agreement(KOMMUN).rules, load_agreement(GUIDE).rules
    bracke = Recipient("2305", "Bräcke", "Jämtland Härjedalen")
    gotland = Recipient("09", "Region Gotland", "Gotland")
    assert (short_name(kommun, bracke), short_heading(kommun)) == ("Bräcke", "Kommun")
    assert (short_name(region, gotland), short_heading(region)) == ("Gotland", "Län")
    assert short_name(region, Recipient("09", "Region Gotland")) == "Region Gotland"  # no län: its own name


@pytest.mark.parametrize(("text", "code"), [
    ("2305", "2305"), ("Bräcke", "2305"), (" ÖSTERSUND ", "2380"), ("åre", "2321"),
])
def test_a_kommun_is_found_by_code_or_name(kommun: godnaravard.Allocation, text: str, code: str) -> None:
    assert find_recipient(kommun, text) == code


@pytest.mark.parametrize(("text", "code"), [
    ("09", "09"), ("9", "09"), ("Gotland", "09"), ("Region Gotland", "09"), ("Västra Götalandsregionen", "14"),
    ("01 Stockholms län", "01"),
])
def test_a_region_is_found_by_code_or_name(regions: godnaravard.Allocation, text: str, code: str) -> None:
    assert find_recipient(regions, text) == code


@pytest.mark.parametrize("text", ["", "23", "Jämtland", "0114", "Upplands Väsby"])
def test_what_is_no_kommun_of_the_agreement_is_refused(kommun: godnaravard.Allocation, text: str) -> None:
    with pytest.raises(UnknownRecipientError) as err:
        find_recipient(kommun, text)
    assert "of one of the 8 kommuner" in err.value.message or "is not among the 8 kommuner" in err.value.message
    assert err.value.text == text
