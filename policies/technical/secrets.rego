# Secrets in source control: 45 CFR 164.312(d) person or entity
# authentication (a committed credential lets anyone who can read the
# repository, or its history, authenticate as the service) and
# 164.308(a)(5)(ii)(D) password management (secrets are kept out of code).
#
# Messages name paths, lines, detector categories, probe file names and
# setting names only: never a fingerprint, never a value.
package hipaa.technical.secrets

import rego.v1

secret_controls := ["hipaa-164-312-d", "hipaa-164-308-a-5-ii-d"]

# Tracked files named in one message, at most; the rest are counted.
max_files_named := 10

# An item's data as an object: null or missing data reads as {} (every field
# missing), so lookups never see null under strict built-in errors.
_data(item) := item.data if {
	is_object(item.data)
} else := {}

_object(d, field) := d[field] if {
	is_object(d[field])
} else := {}

_text(d, field) := d[field] if {
	is_string(d[field])
	d[field] != ""
}

_where(d) := concat(":", [_text(d, "path"), format_int(d.line, 10)]) if {
	_text(d, "path")
	is_number(d.line)
} else := _text(d, "path") if {
	_text(d, "path")
} else := "(unknown location)"

_category(d) := _text(d, "category") if {
	_text(d, "category")
} else := "unknown type"

# Only a secret shown to be gone from the tree (in_tree false) is history
# only; true, null or missing means it may still be there (fail closed).
_secret_fix(d) := concat("", ["rotate it; it stays readable in history at commit ", substring(d.commit, 0, 12)]) if {
	d.in_tree == false
	_text(d, "commit")
} else := "rotate it; it stays readable in git history" if {
	d.in_tree == false
} else := "remove it from the tree and rotate it"

# METADATA
# title: No secrets are committed to source control
# description: >-
#   Each secrets.finding item is a secret detected in a repository, in the
#   working tree (remove it and rotate it) or only in history (rotate it; it
#   stays readable there until history is rewritten). Every one is a finding.
# custom:
#   controls: [hipaa-164-312-d, hipaa-164-308-a-5-ii-d]
#   evidence: [secrets.finding]
#   severity: high
no_committed_secrets contains finding if {
	some item in input.evidence["secrets.finding"]
	d := _data(item)
	message := concat("", [_where(d), " holds a committed secret (", _category(d), "); ", _secret_fix(d)])
	some control in secret_controls
	finding := {
		"control": control,
		"resource": item.subject,
		"message": message,
		"severity": "high",
	}
}

_strings(d, field) := sort(names) if {
	xs := d[field]
	is_array(xs)
	names := [name |
		some name in xs
		is_string(name)
	]
} else := []

_ignore_flags := [["env_files_ignored", "env files"], ["private_keys_ignored", "private keys"]]

# Kinds of file git is known not to ignore (flag false).
_ignore_gaps(g) := [label |
	some pair in _ignore_flags
	g[pair[0]] == false
	label := pair[1]
]

_known(g, field) if is_boolean(g[field])

_known(g, field) if is_array(g[field])

# Fields that could not be read (null, missing or of the wrong type).
_gitignore_unread(d) := ["gitignore"] if {
	not is_object(d.gitignore)
} else := [field |
	some field in ["env_files_ignored", "private_keys_ignored", "not_ignored"]
	not _known(d.gitignore, field)
]

# Complete only if both flags are true and not_ignored is an empty list.
_gitignore_complete(g) if {
	g.env_files_ignored == true
	g.private_keys_ignored == true
	is_array(g.not_ignored)
	count(g.not_ignored) == 0
}

_not_ignored_part(g) := concat("", [
	"git does not ignore ", concat(" or ", _ignore_gaps(g)),
	" (not ignored: ", concat(", ", _strings(g, "not_ignored")), ")",
]) if {
	count(_ignore_gaps(g)) > 0
	count(_strings(g, "not_ignored")) > 0
} else := concat("", ["git does not ignore ", concat(" or ", _ignore_gaps(g))]) if {
	count(_ignore_gaps(g)) > 0
} else := concat("", ["git does not ignore ", concat(", ", _strings(g, "not_ignored"))]) if {
	count(_strings(g, "not_ignored")) > 0
} else := ""

_unread_part(unread) := concat("", ["could not be read: ", concat(", ", unread)]) if {
	count(unread) > 0
} else := ""

_gitignore_parts(d, g) := parts if {
	parts := [part |
		some part in [_not_ignored_part(g), _unread_part(_gitignore_unread(d))]
		part != ""
	]
	count(parts) > 0
} else := ["which files git ignores is not fully shown"]

# METADATA
# title: Git ignores env files and private keys
# description: >-
#   A repository's .gitignore must ignore env files (.env, .env.local,
#   .env.production, config/.env) and private keys (id_rsa, id_ed25519,
#   server.key, private.pem, keystore.p12, cert.pfx), so they cannot be
#   committed by accident. A field that could not be read is a finding.
# custom:
#   controls: [hipaa-164-308-a-5-ii-d]
#   evidence: [git.repository]
#   severity: medium
secret_files_ignored contains finding if {
	some item in input.evidence["git.repository"]
	d := _data(item)
	g := _object(d, "gitignore")
	not _gitignore_complete(g)
	parts := _gitignore_parts(d, g)
	finding := {
		"control": "hipaa-164-308-a-5-ii-d",
		"resource": item.subject,
		"message": concat("", [
			concat("; ", parts),
			"; make .gitignore ignore env files and private keys so they cannot be committed by accident",
		]),
		"severity": "medium",
	}
}

_named_files(files) := concat(", ", files) if {
	count(files) <= max_files_named
} else := concat("", [
	concat(", ", array.slice(files, 0, max_files_named)),
	" and ", format_int(count(files) - max_files_named, 10), " more",
])

_tracked_message(d) := concat("", [
	"files that hold secrets by convention are tracked: ", _named_files(_strings(d, "sensitive_files_tracked")),
	"; remove them from the repository (git rm --cached), rotate what they held, and ignore them",
]) if {
	count(_strings(d, "sensitive_files_tracked")) > 0
} else := "could not be read: sensitive_files_tracked; check that no env files or private keys are tracked"

_none_tracked(d) if {
	is_array(d.sensitive_files_tracked)
	count(d.sensitive_files_tracked) == 0
}

# METADATA
# title: No env files or private keys are tracked
# description: >-
#   A repository must not track files that hold secrets by convention (.env
#   and .env.* other than examples, *.pem, *.key, *.p12, *.pfx, id_rsa,
#   id_ed25519). Unknown is a finding.
# custom:
#   controls: [hipaa-164-312-d, hipaa-164-308-a-5-ii-d]
#   evidence: [git.repository]
#   severity: high
no_sensitive_files_tracked contains finding if {
	some item in input.evidence["git.repository"]
	d := _data(item)
	not _none_tracked(d)
	message := _tracked_message(d)
	some control in secret_controls
	finding := {
		"control": control,
		"resource": item.subject,
		"message": message,
		"severity": "high",
	}
}

_scanning_settings := [
	["secret_scanning", "secret scanning"],
	["secret_scanning_push_protection", "secret scanning push protection"],
]

_scanning_off(d) := [label |
	some pair in _scanning_settings
	d[pair[0]] == false
	label := pair[1]
]

_scanning_unread(d) := [name |
	some pair in _scanning_settings
	not d[pair[0]] == true
	not d[pair[0]] == false
	name := pair[0]
]

_off_part(off) := concat("", ["off: ", concat(", ", off)]) if {
	count(off) > 0
} else := ""

# METADATA
# title: The host scans for secrets and blocks pushes containing them
# description: >-
#   The hosting service must have secret scanning and secret scanning push
#   protection on for the repository. A setting that could not be read is a
#   finding. One finding per repository, naming every missing setting.
# custom:
#   controls: [hipaa-164-308-a-5-ii-d]
#   evidence: [git.hosted_settings]
#   severity: medium
host_secret_scanning contains finding if {
	some item in input.evidence["git.hosted_settings"]
	d := _data(item)
	off := _scanning_off(d)
	unread := _scanning_unread(d)
	count(off) + count(unread) > 0
	parts := [part |
		some part in [_off_part(off), _unread_part(unread)]
		part != ""
	]
	finding := {
		"control": "hipaa-164-308-a-5-ii-d",
		"resource": item.subject,
		"message": concat("", [
			"secret scanning is not fully on (", concat("; ", parts),
			"); turn on secret scanning and push protection for the repository",
		]),
		"severity": "medium",
	}
}
