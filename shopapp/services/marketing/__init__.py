"""The marketing centre (营销中心): what lowers a price. Promotions, coupons, points and member levels each
offer savings to the one pricing pipeline (checkout/pricing.py) through `offers` and `savings`; the orders
domain tells points and coupons when an order is paid, completed, refunded or cancelled."""
