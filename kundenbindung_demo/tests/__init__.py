from . import test_demo_loader
