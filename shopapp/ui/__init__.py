"""The Reflex UI: platform pages, the owner console, the storefront and the support desk."""
