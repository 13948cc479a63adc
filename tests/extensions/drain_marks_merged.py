"""The README's worked example of a fault written outside the package (tests/test_extend.py
loads it with --spec-module): Linux 5.7's page_reporting_drain() marks a page Reported only
``if (PageBuddy(page) && buddy_order(page) == order)``; this fault drops that test, so a
page that merged while it was being reported is marked anyway."""

from spec.designs.merged import Merged
from spec.expr import Expr, ExprLike, Lit
from spec.extend import fault


@fault("drain-marks-merged", design="merged",
       description="page_reporting_drain() marks a page Reported even if it merged meanwhile")
class DrainMarksMerged(Merged):
    def page_order_unchanged(self, page: ExprLike, o: ExprLike) -> Expr:
        return Lit(1)
