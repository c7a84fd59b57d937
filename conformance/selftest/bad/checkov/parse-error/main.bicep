// Broken on purpose: valid Bicep that checkov's parser (pycep-parser) rejects -- a literal
// union type. Without CKV_PARSE_ERROR_FAIL checkov reports "Parsing errors: 1" and exits 0.
// Prefer @allowed([...]) in generated Bicep.
// expect: \[parse-error\] checkov \(bicep\) cannot parse this file
param isolationMode 'AllowInternetOutbound' | 'AllowOnlyApprovedOutbound' = 'AllowInternetOutbound'

output mode string = isolationMode
