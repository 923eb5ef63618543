#!/usr/bin/env bash
# Generates the TLS material of the 3-node KurrentDB cluster: one CA and one certificate per node
# (node1..node3, valid for their compose host names, their fixed addresses and localhost).
# Runs in the es-gencert-cli image (the compose `certs` service) or anywhere es-gencert-cli is on PATH:
#   deploy/gen-certs.sh [output-folder]        (default /certs)
# Idempotent: an existing CA and existing node certificates are kept, so restarting the stack does not
# invalidate certificates the nodes and the ledger already trust. Delete the folder to start over.
set -euo pipefail
out="${1:-/certs}"
mkdir -p "$out"
cd "$out"

if [ ! -f ca/ca.crt ]; then
  es-gencert-cli create-ca -out ./ca
fi

declare -A ips=([node1]=172.30.240.11 [node2]=172.30.240.12 [node3]=172.30.240.13)
for node in node1 node2 node3; do
  if [ ! -f "$node/node.crt" ]; then
    es-gencert-cli create-node -ca-certificate ./ca/ca.crt -ca-key ./ca/ca.key -out "./$node" \
      -ip-addresses "127.0.0.1,${ips[$node]}" -dns-names "$node,localhost"
  fi
done

# The nodes run as an unprivileged user: make the material readable. This is a development /
# evaluation deployment; in production the keys come from the force's PKI through a secrets store.
chmod -R a+rX .
find . -name '*.key' -exec chmod 644 {} +
echo "certificates in $out: ca/ node1/ node2/ node3/"
