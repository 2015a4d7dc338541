# The runner and the small tools beside it.
