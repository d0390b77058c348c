from . import test_security
from . import test_settings
from . import test_invoice_lines
from . import test_demo_loader
from . import test_manager_settings
from . import test_segments
from . import test_clusters
from . import test_nps_responses
