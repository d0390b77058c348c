"""Campaign arithmetic: control groups and the effect against them."""

import pandas as pd
import pytest
from engine import ContractError
from engine.campaigns import control_split, effect, min_customers
from hypothesis import given, settings
from hypothesis import strategies as st


@settings(max_examples=200, deadline=None)
@given(st.sets(st.integers(1, 10**6), max_size=300), st.integers(0, 50), st.integers(0, 10**6))
def test_control_group_has_its_share_and_never_overlaps(customers, share, seed):
    if share and round(len(customers) * share / 100) == 0:
        # too few customers for the share: refused, never silently without a control group
        with pytest.raises(ContractError) as error:
            control_split(customers, share, seed)
        assert error.value.code == "control_empty"
        assert len(customers) < min_customers(share)
        return
    targeted, control = control_split(customers, share, seed)
    assert not set(targeted) & set(control)
    assert set(targeted) | set(control) == customers
    assert len(control) == round(len(customers) * share / 100)
    # the same campaign draws the same control group
    assert control_split(customers, share, seed) == (targeted, control)


def test_the_smallest_target_for_a_control_group_holds_one():
    for share in (1, 10, 20, 33, 50):
        minimum = min_customers(share)
        assert len(control_split(range(minimum), share, 7)[1]) >= 1
        if minimum > 1:
            with pytest.raises(ContractError):
                control_split(range(minimum - 1), share, 7)
    # the case of issue 20: two customers, 20 %
    with pytest.raises(ContractError) as error:
        control_split([1, 2], 20, 1)
    assert error.value.params == {"share": 20, "count": 2, "minimum": 3}


def test_control_share_out_of_range_is_refused():
    with pytest.raises(ContractError) as error:
        control_split([1, 2, 3], 60, 1)
    assert error.value.code == "bad_share"


def hand_made():
    """Four reached customers and a control group of two."""
    return pd.DataFrame(
        {
            "control": [False, False, False, False, True, True],
            "before": [100.0, 200.0, 0.0, 300.0, 100.0, 300.0],
            "after": [300.0, 200.0, 100.0, 400.0, 150.0, 250.0],
        }
    )


def test_uplift_on_a_hand_made_example():
    recipients = hand_made()
    result = effect(recipients)
    # targeted: +200, 0, +100, +100 -> +100 per customer; control: +50, -50 -> 0
    assert result["targeted_count"] == 4 and result["control_count"] == 2
    assert result["targeted_before"] == 600.0 and result["targeted_after"] == 1000.0
    assert result["targeted_change"] == 100.0
    assert result["control_change"] == 0.0
    assert result["uplift"] == 100.0
    assert result["incremental_revenue"] == 400.0
    # a market that grew anyway: the control's growth is not the campaign's
    recipients.loc[recipients["control"], "after"] += 100.0
    assert effect(recipients)["uplift"] == 0.0


def test_without_control_group_the_uplift_is_the_change():
    result = effect(pd.DataFrame({"control": [False, False], "before": [10, 20], "after": [30, 20]}))
    assert result["control_count"] == 0
    assert result["uplift"] == 10.0 and result["incremental_revenue"] == 20.0


def test_recipients_checked():
    with pytest.raises(ContractError):
        effect(pd.DataFrame({"control": [True]}))


def test_the_uplift_comes_with_its_margin_of_chance():
    recipients = hand_made()
    result = effect(recipients)
    # changes: targeted 200, 0, 100, 100 (variance 6666.7), control 50, -50 (variance 5000)
    expected = 1.6449 * ((6666.6667 / 4 + 5000.0 / 2) ** 0.5)
    assert result["uplift_margin"] == pytest.approx(expected, rel=1e-4)
    # the uplift of 100 is within its margin of about 105: it cannot be told from chance
    assert abs(result["uplift"]) < result["uplift_margin"]
    # no control group, or one customer in it: no margin
    assert effect(recipients[recipients["control"] == False])["uplift_margin"] is None  # noqa: E712
    assert effect(recipients.drop(index=5))["uplift_margin"] is None


def test_a_real_effect_on_many_customers_is_outside_its_margin():
    import numpy as np

    rng = np.random.default_rng(3)
    n = 400
    before = rng.gamma(2.0, 500.0, n)
    control = np.arange(n) % 5 == 0
    after = before * rng.normal(1.0, 0.2, n) + np.where(control, 0.0, 150.0)
    result = effect(pd.DataFrame({"control": control, "before": before, "after": after}))
    assert result["uplift"] - result["uplift_margin"] > 0
    assert abs(result["uplift"] - 150.0) < result["uplift_margin"]
