#!/usr/bin/env bash
# Applies configure.cli to the unpacked WildFly (offline, embedded server), then makes standalone-oidc.xml: a copy of
# the result with configure-oidc.cli (bearer-token security) applied. Re-runnable: the first run keeps the pristine
# standalone.xml; a changed script starts again from it, so the CLI never sees its own earlier changes.
set -euo pipefail
wildfly_dir=$1
cli_script=$2
oidc_script=$3
config_dir="$wildfly_dir/standalone/configuration"
config="$config_dir/standalone.xml"
marker="$wildfly_dir/.wsi-archive-configured"
if [ -f "$marker" ] && [ "$marker" -nt "$cli_script" ] && [ "$marker" -nt "$oidc_script" ]; then
  echo "WildFly at $wildfly_dir already configured"
  exit 0
fi
if [ -f "$config.pristine" ]; then
  cp "$config.pristine" "$config"
else
  cp "$config" "$config.pristine"
fi
rm -rf "$wildfly_dir/modules/org/postgresql" "$config_dir/standalone_xml_history"
"$wildfly_dir/bin/jboss-cli.sh" --file="$cli_script"
cp "$config" "$config_dir/standalone-oidc.xml"
"$wildfly_dir/bin/jboss-cli.sh" --file="$oidc_script"
rm -rf "$config_dir/standalone_xml_history"
touch "$marker"
