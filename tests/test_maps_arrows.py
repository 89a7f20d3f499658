import pytest

from routing.maps.arrows import leg_arrows

LAT = 60.17


@pytest.mark.parametrize(
    ("end", "bearing"),
    [
        ((LAT + 0.01, 24.94), 0),
        ((LAT, 24.96), 90),
        ((LAT - 0.01, 24.94), 180),
        ((LAT, 24.92), 270),
    ],
)
def test_an_arrow_points_along_the_road(end, bearing):
    arrows = leg_arrows([(LAT, 24.94), end], spacing_m=10_000)
    assert [a[2] for a in arrows] == [bearing]


def test_one_arrow_at_the_middle_of_a_short_leg():
    ((lat, lon, _),) = leg_arrows([(LAT, 24.94), (LAT, 24.942)])
    assert (lat, lon) == pytest.approx((LAT, 24.941))


def test_long_legs_get_an_arrow_every_spacing():
    leg = [(LAT, 24.94), (LAT, 24.94 + 0.018)]  # ~1 km east
    assert len(leg_arrows(leg, spacing_m=200)) == 5


def test_arrows_turn_with_the_road():
    corner = [(LAT, 24.94), (LAT, 24.95), (LAT + 0.005, 24.95)]  # east ~555 m, then north ~555 m
    assert [a[2] for a in leg_arrows(corner, spacing_m=555)] == [90, 0]


def test_a_leg_of_no_length_has_no_arrow():
    assert leg_arrows([(LAT, 24.94), (LAT, 24.94)]) == []
    assert leg_arrows([(LAT, 24.94)]) == []
