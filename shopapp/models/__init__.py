"""All tables, imported here so SQLModel.metadata (and Alembic) sees every one."""

from shopapp.models.abuse import AbuseReport
from shopapp.models.accounts import AuthSession, LoginAttempt, PasswordReset, User
from shopapp.models.affiliates import (
    AffiliateBinding,
    AffiliateMove,
    AffiliateProgram,
    Commission,
    CommissionWithdrawal,
    Promoter,
)
from shopapp.models.aftersales import AftersalesRequest, Refund, RefundItem
from shopapp.models.analytics import (
    AnalyticsDay,
    AnalyticsHour,
    AnalyticsRegionDay,
    AnalyticsSketchDay,
    AnalyticsVisitorDay,
    FinanceDay,
    OrderVisit,
    ReconciliationDay,
    VisitEvent,
)
from shopapp.models.bargains import Bargain, BargainCut, BargainRun
from shopapp.models.billing import (
    BalanceEntry,
    BillingPayment,
    CommissionEntry,
    Invoice,
    InvoiceCounter,
    Payout,
    PayoutBatch,
    ShopDomain,
    ShopPaymentAccount,
    Subscription,
)
from shopapp.models.campaigns import Campaign, CampaignRecipient, EmailUnsubscribe
from shopapp.models.catalog import Category, Product, ProductCategory, ProductImage, Variant
from shopapp.models.checkout import Cart, CartItem, ShippingMethod
from shopapp.models.core import IdempotencyRecord
from shopapp.models.coupons import Coupon, CouponCode, CustomerCoupon
from shopapp.models.customers import Customer, CustomerProfile, CustomerSegment, CustomerSession, CustomerTag
from shopapp.models.flash_sales import FlashSale, FlashSaleOrder
from shopapp.models.fulfillment import Shipment, ShipmentItem, TrackingEvent
from shopapp.models.group_buys import GroupBuy, GroupBuyGroup, GroupBuyMember
from shopapp.models.insights import Recommendation
from shopapp.models.inventory import StockMove
from shopapp.models.jobs import JobLease
from shopapp.models.loyalty import LoyaltySettings, MemberLevel, PointsAccount, PointsMove, PointsReward
from shopapp.models.notifications import OutboxEmail
from shopapp.models.orders import Order, OrderEvent, OrderItem
from shopapp.models.payments import Payment, PaymentNotification
from shopapp.models.platform import Operator, OperatorAudit, OperatorSession, Plan, ShopPlan, ShopSuspension
from shopapp.models.promotions import Promotion
from shopapp.models.reviews import Review, ReviewPhoto
from shopapp.models.search import ProductSearch
from shopapp.models.shops import ApiKey, Shop, StaffInvite, StaffMember
from shopapp.models.stock_alerts import StockNotification
from shopapp.models.storage_use import ShopStorage, StoredFile
from shopapp.models.support import Conversation, Message, QuickReply, ServiceTicket
from shopapp.models.themes import StoreDesignVersion, StoreTheme

__all__ = [
    "ApiKey", "AuthSession", "PasswordReset", "Category", "JobLease", "LoginAttempt", "OutboxEmail", "Product",
    "ProductCategory", "ProductImage", "ProductSearch", "Shop", "StaffInvite", "StaffMember", "StockMove",
    "User", "Variant",
    "Cart", "CartItem", "IdempotencyRecord", "Order", "OrderEvent", "OrderItem", "Payment", "PaymentNotification",
    "ShippingMethod", "StockNotification", "StoreDesignVersion", "StoreTheme",
    "Conversation", "Message", "QuickReply", "ServiceTicket", "Customer", "CustomerSession",
    "CustomerProfile", "CustomerSegment", "CustomerTag",
    "Promotion",
    "Coupon", "CouponCode", "CustomerCoupon",
    "AftersalesRequest", "Refund", "RefundItem", "Shipment", "ShipmentItem", "TrackingEvent",
    "LoyaltySettings", "MemberLevel", "PointsAccount", "PointsMove", "PointsReward",
    "Review", "ReviewPhoto",
    "AnalyticsDay", "AnalyticsHour", "AnalyticsRegionDay", "AnalyticsSketchDay", "AnalyticsVisitorDay", "FinanceDay", "OrderVisit",
    "ReconciliationDay", "VisitEvent",
    "Campaign", "CampaignRecipient", "EmailUnsubscribe",
    "Recommendation",
    "Bargain", "BargainCut", "BargainRun",
    "AffiliateBinding", "AffiliateMove", "AffiliateProgram", "Commission", "CommissionWithdrawal", "Promoter",
    "FlashSale", "FlashSaleOrder",
    "BalanceEntry", "BillingPayment", "CommissionEntry", "Invoice", "InvoiceCounter", "Payout", "PayoutBatch",
    "ShopDomain", "ShopPaymentAccount", "Subscription",
    "Operator", "OperatorAudit", "OperatorSession", "Plan", "ShopPlan", "ShopSuspension",
    "GroupBuy", "GroupBuyGroup", "GroupBuyMember",
    "AbuseReport", "ShopStorage", "StoredFile",
]
