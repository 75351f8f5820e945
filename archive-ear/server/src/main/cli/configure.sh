#!/usr/bin/env bash
# Applies configure.cli to the unpacked WildFly (offline, embedded server). Re-runnable: the first run keeps the
# pristine standalone.xml; a changed script starts again from it, so the CLI never sees its own earlier changes.
set -euo pipefail
wildfly_dir=$1
cli_script=$2
config="$wildfly_dir/standalone/configuration/standalone.xml"
marker="$wildfly_dir/.wsi-archive-configured"
if [ -f "$marker" ] && [ "$marker" -nt "$cli_script" ]; then
  echo "WildFly at $wildfly_dir already configured"
  exit 0
fi
if [ -f "$config.pristine" ]; then
  cp "$config.pristine" "$config"
else
  cp "$config" "$config.pristine"
fi
rm -rf "$wildfly_dir/modules/org/postgresql" "$wildfly_dir/standalone/configuration/standalone_xml_history"
"$wildfly_dir/bin/jboss-cli.sh" --file="$cli_script"
touch "$marker"
