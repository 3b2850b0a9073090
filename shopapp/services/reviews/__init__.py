"""Reviews (评价): shoppers review the items of their delivered orders, the shop moderates them.

A domain of its own above orders (it needs the shopper's delivered order), beside checkout in the
import-linter layers; what shoppers read of reviews (ratings, the product page) is in catalog/ratings.
"""
