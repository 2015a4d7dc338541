#!/bin/sh
# Print nsapi's cache directory (downloaded kernels and headers, the KVM
# probe, the private apt state): $NSAPI_CACHE if set, else /var/cache/nsapi
# for root and the user's own cache directory for anyone else.
if [ "$(id -u)" = 0 ]; then
	echo "${NSAPI_CACHE:-/var/cache/nsapi}"
else
	echo "${NSAPI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/nsapi}"
fi
