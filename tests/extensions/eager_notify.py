"""A design written outside the package (tests/test_extend.py): Linux 5.7's free page
reporting, except that page_reporting_notify_free() asks for a pass after a free of any
order, not only of order >= PAGE_REPORTING_MIN_ORDER."""

from spec.designs.merged import Merged
from spec.expr import ExprLike
from spec.extend import design
from spec.free_lists import Block, assign
from spec.kernel import R_REQUESTED
from spec.page_reporting import reporting_state


@design("merged-eager-notify", title="5.7 free page reporting, notified after a free of any order")
class EagerNotify(Merged):
    def page_reporting_notify_free(self, o: ExprLike) -> Block:
        return [assign(reporting_state, R_REQUESTED)]
