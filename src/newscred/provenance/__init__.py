from .detect import *  # noqa
