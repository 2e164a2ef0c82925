# shellcheck shell=bash
# Sourced before `wrangler dev`: turns off wrangler's DevTools proxy (its InspectorProxyWorker).
#
# That proxy enables the runtime's Network domain and forwards every inspector message to
# wrangler's Node process as one HTTP request each: four per subrequest the worker makes (a
# conversation's call to its site, a push, a webhook). Under load that is thousands of loopback
# connections a second from wrangler's proxy workerd, with Node busy on a core. At the bench's
# 500-chat level the proxy workerd reached its 20 000 open-file limit, with 14 000 connections
# to Node stuck in CLOSE-WAIT, and from then on answered nothing on the edge's port (minutes,
# until restarted) while the worker itself answered on its own port in 2 ms.
#
# wrangler's CLI has no switch for it; it turns the proxy off when it believes a VS Code
# JavaScript debug terminal is attached (VSCODE_INSPECTOR_OPTIONS set), and without VS Code's
# bootloader in NODE_OPTIONS nothing else reads the variable. Console output still reaches the
# log (workerd's structured logs, not the inspector). BATON_EDGE_DEVTOOLS=1 keeps the proxy,
# for a developer who wants DevTools ('d' in wrangler) and no load.
if [[ "${BATON_EDGE_DEVTOOLS:-}" != 1 ]]; then
  export VSCODE_INSPECTOR_OPTIONS="${VSCODE_INSPECTOR_OPTIONS:-baton-no-devtools-proxy}"
fi
