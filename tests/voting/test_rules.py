"""Majority rules: every rule and outcome, on counts alone."""

from motions.rules import overall_outcome
from voting.rules import CARRIED, LOST, TIE_AWAITING_CHAIR, OptionCount, decide


def counts(f: int, a: int, ab: int = 0) -> list[OptionCount]:
    return [OptionCount("for", "For", f), OptionCount("against", "Against", a), OptionCount("abstain", "Abstain", ab)]


def test_simple_majority_carries_on_more_for_than_against():
    assert decide(counts(51, 50), "simple").outcome == CARRIED
    assert decide(counts(50, 51), "simple").outcome == LOST


def test_abstentions_are_counted_but_outside_the_base():
    result = decide(counts(10, 9, 500), "simple")
    assert result.outcome == CARRIED
    assert (result.total, result.base) == (519, 19)
    rows = {r["key"]: r for r in result.as_dict()["counts"]}
    assert rows["for"]["percent"] == 52.6 and rows["for"]["percent_of"] == "those voting for or against"
    assert rows["abstain"]["percent"] == 96.3 and rows["abstain"]["percent_of"] == "all ballots cast"


def test_a_tie_is_lost_without_a_casting_vote():
    assert decide(counts(20, 20, 3), "simple").outcome == LOST


def test_a_tie_waits_for_the_chair_where_standing_orders_give_a_casting_vote():
    assert decide(counts(20, 20), "simple", chair_casting_vote=True).outcome == TIE_AWAITING_CHAIR


def test_no_votes_at_all_is_lost_not_a_tie():
    assert decide(counts(0, 0, 4), "simple", chair_casting_vote=True).outcome == LOST


def test_two_thirds_is_at_least_two_thirds_of_for_and_against():
    assert decide(counts(200, 100), "two_thirds").outcome == CARRIED  # exactly two-thirds
    assert decide(counts(199, 100), "two_thirds").outcome == LOST
    assert decide(counts(20, 10, 100), "two_thirds").outcome == CARRIED  # abstentions don't count
    assert decide(counts(0, 0), "two_thirds").outcome == LOST


def test_live_poll_has_no_outcome_and_percentages_of_all_ballots():
    options = [OptionCount("o1", "Salaried", 3), OptionCount("o2", "Partnership", 1)]
    result = decide(options, "none")
    assert result.outcome == ""
    assert [r["percent"] for r in result.as_dict()["counts"]] == [75.0, 25.0]
    assert result.as_dict()["counts"][0]["percent_of"] == "all ballots cast"


def test_motion_in_parts_overall_outcome():
    assert overall_outcome(["carried", "carried", "carried"]) == "carried"
    assert overall_outcome(["carried", "lost", "carried"]) == "carried_in_part"
    assert overall_outcome(["lost", "lost"]) == "lost"


def test_a_scale_has_its_mean_and_median():
    from voting.rules import OptionCount, scale_summary

    counts = [OptionCount(str(i), str(i), n) for i, n in zip(range(1, 6), [1, 0, 2, 0, 1], strict=True)]
    assert scale_summary(counts) == {"mean": 3.0, "median": 3.0}
    counts = [OptionCount(str(i), str(i), n) for i, n in zip(range(1, 5), [1, 1, 0, 0], strict=True)]
    assert scale_summary(counts) == {"mean": 1.5, "median": 1.5}
    assert scale_summary([OptionCount("1", "1", 0)]) == {"mean": None, "median": None}
