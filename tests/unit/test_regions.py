"""The address pickers' data: every province, its cities, their districts."""

from shopapp.services.shops import regions


def test_the_region_data_covers_china():
    assert len(regions.provinces()) == 34
    assert "西湖区" in regions.districts("浙江省", "杭州市")
    assert regions.cities("北京市") == ["北京市"]
    assert regions.is_known("广东省", "深圳市", "南山区") and not regions.is_known("广东省", "深圳市", "西湖区")
