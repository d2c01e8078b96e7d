# The test TSA's certificates (intact-testkit, tsa/mod.rs): a root, and three certificates
# for one TSA key — tsa.crt (timeStamping, critical; 2020–2040), old.crt (the same, valid
# 2000–2001 only) and noeku.crt (no extended key usage) — plus the `openssl ca` and
# `openssl ts` configuration. Usage: pki.sh DIR ec|rsa
set -eu
D=$1; KEY=${2:-ec}; cd "$D"
cat > ca.cnf <<'CNF'
[ ca ]
default_ca = CA_default
[ CA_default ]
dir = .
database = index.txt
new_certs_dir = .
serial = serial
default_md = sha256
policy = policy_any
unique_subject = no
copy_extensions = none
[ policy_any ]
commonName = supplied
organizationName = optional
[ root_ext ]
basicConstraints = critical, CA:true
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[ tsa_ext ]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature, nonRepudiation
extendedKeyUsage = critical, timeStamping
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ noeku_ext ]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature
subjectKeyIdentifier = hash
[ noncrit_ext ]
basicConstraints = critical, CA:false
extendedKeyUsage = timeStamping
subjectKeyIdentifier = hash
[ tsa ]
default_tsa = tsa1
[ tsa1 ]
dir = .
serial = tsaserial
signer_cert = tsa.crt
signer_key = tsa.key
signer_digest = sha256
default_policy = 1.3.6.1.4.1.99999.1
digests = sha256
accuracy = secs:1
ordering = no
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha1
[ tsa_old ]
dir = .
serial = tsaserial
signer_cert = old.crt
signer_key = tsa.key
signer_digest = sha256
default_policy = 1.3.6.1.4.1.99999.1
digests = sha256
accuracy = secs:1
tsa_name = yes
ess_cert_id_alg = sha256
CNF
touch index.txt; echo 01 > serial; echo 01 > tsaserial
openssl ecparam -genkey -name prime256v1 -noout -out root.key 2>/dev/null
openssl req -new -x509 -key root.key 2>/dev/null -subj "/O=Test TSA Root/CN=Test Root" -days 3650 -out root.crt -config ca.cnf -extensions root_ext -sha256 2>/dev/null
if [ "$KEY" = rsa ]; then openssl genrsa -out tsa.key 2048 2>/dev/null; else openssl ecparam -genkey -name prime256v1 -noout -out tsa.key 2>/dev/null; fi
openssl req -new -key tsa.key -subj "/O=Test TSA/CN=Test TSA 1" -out tsa.csr 2>/dev/null
openssl ca -batch -config ca.cnf -cert root.crt -keyfile root.key -in tsa.csr -out tsa.crt -extensions tsa_ext -startdate 20200101000000Z -enddate 20400101000000Z -notext 2>/dev/null
openssl ca -batch -config ca.cnf -cert root.crt -keyfile root.key -in tsa.csr -out old.crt -extensions tsa_ext -startdate 20000101000000Z -enddate 20010101000000Z -notext 2>/dev/null
openssl ca -batch -config ca.cnf -cert root.crt -keyfile root.key -in tsa.csr -out noeku.crt -extensions noeku_ext -startdate 20200101000000Z -enddate 20400101000000Z -notext 2>/dev/null
