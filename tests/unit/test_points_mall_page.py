"""The 积分商城 page's pieces that are plain Python: a reward as the page shows it, and the log-in link that comes back."""

from urllib.parse import parse_qs, urlsplit

from shopapp.ui import routes
from shopapp.ui.store.points_mall import _item

REWARD = {"id": 7, "kind": "coupon", "title": "兑换券", "points": 300, "stock": 5}


def test_a_reward_says_whether_the_shoppers_points_reach_it():
    assert _item(REWARD, 300) == {"id": "7", "kind": "coupon", "title": "兑换券", "points": "300", "stock": "5", "enough": "yes"}
    assert _item(REWARD, 299)["enough"] == ""
    assert _item(REWARD, None)["enough"] == "yes"  # a guest may tap 兑换: it sends them to log in


def test_the_log_in_link_comes_back_to_the_mall():
    link = routes.store_log_in_then("demo-tea", routes.store_points_mall("demo-tea"))
    parts = urlsplit(link)
    assert parts.path == "/s/demo-tea/account"
    assert parse_qs(parts.query)["next"] == ["/s/demo-tea/points-mall"]
