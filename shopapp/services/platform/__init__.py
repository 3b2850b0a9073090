"""The platform's own side: plans and billing, commission, operators, custom domains."""
