"""The validation vocabulary: canonical values back, one message style that names the parameter."""

import numpy as np
import pytest

from cubenet.errors import CubenetError
from cubenet.validate import (
    check_bool,
    check_choice,
    check_count,
    check_finite,
    check_fraction,
    check_int,
    check_int_list,
    check_number,
    check_type,
)


def test_integers_come_back_as_python_ints():
    assert check_int("n", np.int64(5)) == 5 and type(check_int("n", np.int64(5))) is int
    assert check_count("twists", 0, minimum=0) == 0


@pytest.mark.parametrize("value", [True, 1.0, "3", None, -1, 101])
def test_bad_integers_name_the_parameter_and_echo_the_value(value):
    with pytest.raises(CubenetError, match=r"^twists must be an integer between 0 and 100, got "):
        check_int("twists", value, minimum=0, maximum=100)


def test_numbers_and_fractions():
    assert check_number("lr", 1, above=0) == 1.0
    for bad in (0, -1, float("nan"), float("inf"), True, "0.1"):
        with pytest.raises(CubenetError, match="lr must be a number > 0"):
            check_number("lr", bad, above=0)
    with pytest.raises(CubenetError, match=r"noise must be a finite number between 0 and 10, got 1e\+200"):
        check_number("noise", 1e200, minimum=0, maximum=10)
    assert check_fraction("f", 1) == 1.0
    with pytest.raises(CubenetError, match=r"f must be a fraction in \(0, 1\), got 1"):
        check_fraction("f", 1, inclusive_one=False, allow_zero=False)


def test_advice_follows_the_rule():
    with pytest.raises(CubenetError, match="got 0; try 60"):
        check_count("epochs", 0, advice="try 60")


def test_choice_suggests_a_near_miss():
    assert check_choice("optimizer", "adam", ("adam", "sgd")) == "adam"
    with pytest.raises(CubenetError, match=r"unknown optimizer 'Adma' \(did you mean 'adam'\?\); choose from adam, sgd"):
        check_choice("optimizer", "Adma", ("adam", "sgd"))
    with pytest.raises(CubenetError, match="unknown optimizer 3; choose from"):
        check_choice("optimizer", 3, ("adam", "sgd"))


def test_bool_finite_lists_and_types():
    assert check_bool("nesterov", np.bool_(True)) is True
    with pytest.raises(CubenetError, match="nesterov must be True or False, got 1"):
        check_bool("nesterov", 1)
    with pytest.raises(CubenetError, match="X holds 2 NaN or infinite value"):
        check_finite("X", np.array([1.0, np.nan, np.inf]))
    with pytest.raises(CubenetError, match="X must hold numbers"):
        check_finite("X", np.array(["a"]))
    assert check_int_list("hidden", [16, np.int32(8)]) == (16, 8)
    with pytest.raises(CubenetError, match=r"hidden\[1\] must be an integer >= 1, got 0"):
        check_int_list("hidden", [16, 0])
    with pytest.raises(CubenetError, match="hidden must be a list of integers"):
        check_int_list("hidden", "16,16")
    with pytest.raises(CubenetError, match="config must be a TrainConfig, got dict"):
        check_type("config", {}, (list,), what="a TrainConfig")
