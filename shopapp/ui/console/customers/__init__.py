"""Console customers: the list (list_state, list_page), one customer (profile_state, profile_page), segments,
and e-mail campaigns to a segment (campaigns_page, campaign_state, campaign_page)."""

from shopapp.ui.console.customers import (
    campaign_page,  # noqa: F401 - registers /console/campaigns/[campaign_id]
    campaigns_page,  # noqa: F401 - registers /console/campaigns
    list_page,  # noqa: F401 - registers /console/customers
    profile_page,  # noqa: F401 - registers /console/customers/[customer_id]
    segments_page,  # noqa: F401 - registers /console/segments
)
