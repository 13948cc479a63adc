"""Layer 7 -- design review evidence: VM_BUG_ON_PAGE() guards, lifecycle pictures, the review report."""
