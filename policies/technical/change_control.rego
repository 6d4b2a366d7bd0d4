# Change control for the code that handles ePHI: 45 CFR 164.312(c) integrity.
# Reviewed, owned and authenticated changes protect ePHI from improper
# alteration by the software that stores and serves it.
#
# Messages name branches, paths, counts and setting names only.
package hipaa.technical.change_control

import rego.v1

# An item's data as an object: null or missing data reads as {} (every field
# missing), so lookups never see null under strict built-in errors.
_data(item) := item.data if {
	is_object(item.data)
} else := {}

_object(d, field) := d[field] if {
	is_object(d[field])
} else := {}

_count(n) := format_int(n, 10) if {
	is_number(n)
} else := "?"

_codeowners_message(d) := "CODEOWNERS could not be read; add a CODEOWNERS file with a catch-all rule (* @team) so every file has an owner who reviews its changes" if {
	not is_object(d.codeowners)
} else := "no CODEOWNERS file (looked in CODEOWNERS, .github/, docs/ and .gitlab/); add one with a catch-all rule (* @team) so every file has an owner who reviews its changes" if {
	d.codeowners.path == null
} else := "CODEOWNERS could not be read; add a CODEOWNERS file with a catch-all rule (* @team) so every file has an owner who reviews its changes" if {
	not is_string(d.codeowners.path)
} else := concat("", [
	d.codeowners.path,
	" has no catch-all rule, so some files have no owner; add one (* @team) so every file has an owner who reviews its changes",
]) if {
	d.codeowners.covers_all == false
} else := concat("", [
	"whether ", d.codeowners.path,
	" covers every file could not be read; make sure it has a catch-all rule (* @team)",
])

_codeowners_complete(c) if {
	is_string(c.path)
	c.path != ""
	c.covers_all == true
}

# METADATA
# title: CODEOWNERS assigns an owner to every file
# description: >-
#   A repository must have a CODEOWNERS file whose rules cover every file
#   (a catch-all rule), so that each change has an accountable reviewer. A
#   missing file, partial coverage, or coverage that could not be read is a
#   finding.
# custom:
#   controls: [hipaa-164-312-c-1]
#   evidence: [git.repository]
#   severity: low
codeowners_cover_all contains finding if {
	some item in input.evidence["git.repository"]
	d := _data(item)
	not _codeowners_complete(_object(d, "codeowners"))
	finding := {
		"control": "hipaa-164-312-c-1",
		"resource": item.subject,
		"message": _codeowners_message(d),
		"severity": "low",
	}
}

_all_signed(c) if {
	is_number(c.unsigned)
	c.unsigned == 0
}

# object.get, not c.total: an undefined argument would make the message undefined.
_signing_message(c) := concat("", [
	_count(c.unsigned), " of ", _count(object.get(c, "total", null)),
	" commits in the last ", _count(object.get(c, "window_days", null)),
	" days are unsigned; require signed commits, or record the alternative measure for hipaa-164-312-c-2",
]) if {
	is_number(c.unsigned)
} else := "commit signatures could not be read; require signed commits, or record the alternative measure for hipaa-164-312-c-2"

# METADATA
# title: Recent commits are signed
# description: >-
#   Every non-merge commit in the collection window must carry a signature,
#   so that changes to the code handling ePHI can be attributed and shown
#   unaltered. Addressable: a team may document an alternative measure (for
#   example, required reviews on a protected branch). Unknown counts are a
#   finding.
# custom:
#   controls: [hipaa-164-312-c-2]
#   evidence: [git.repository]
#   severity: low
commits_signed contains finding if {
	some item in input.evidence["git.repository"]
	c := _object(_data(item), "commits")
	not _all_signed(c)
	finding := {
		"control": "hipaa-164-312-c-2",
		"resource": item.subject,
		"message": _signing_message(c),
		"severity": "low",
	}
}

# Required protection settings: [field, what is missing when it is not met].
_protection_settings := [
	["enabled", "branch protection"],
	["required_approving_reviews", "at least 1 required approving review"],
	["allow_force_pushes", "force pushes blocked"],
	["allow_deletions", "deletions blocked"],
	["required_status_checks", "at least 1 required status check"],
]

_met("enabled", v) if v == true

_met("required_approving_reviews", v) if {
	is_number(v)
	v >= 1
}

_met("allow_force_pushes", v) if v == false

_met("allow_deletions", v) if v == false

_met("required_status_checks", v) if {
	is_array(v)
	count(v) > 0
}

# A value of the expected type, so "not met" means known to be off.
_read("enabled", v) if is_boolean(v)

_read("required_approving_reviews", v) if is_number(v)

_read("allow_force_pushes", v) if is_boolean(v)

_read("allow_deletions", v) if is_boolean(v)

_read("required_status_checks", v) if is_array(v)

_protection_missing(p) := [label |
	some setting in _protection_settings
	v := object.get(p, setting[0], null)
	_read(setting[0], v)
	not _met(setting[0], v)
	label := setting[1]
]

_protection_unread(d) := ["branch_protection"] if {
	not is_object(d.branch_protection)
} else := [field |
	some setting in _protection_settings
	not _read(setting[0], object.get(d.branch_protection, setting[0], null))
	field := setting[0]
]

_missing_part(missing) := concat("", ["missing: ", concat(", ", missing)]) if {
	count(missing) > 0
} else := ""

_unread_part(unread) := concat("", ["could not be read: ", concat(", ", unread)]) if {
	count(unread) > 0
} else := ""

_branch(d) := d.default_branch if {
	is_string(d.default_branch)
	d.default_branch != ""
} else := "(unknown)"

# METADATA
# title: The default branch is protected
# description: >-
#   On the hosting service, the default branch must be protected, with at
#   least one required approving review and at least one required status
#   check, and with force pushes and deletions blocked. One finding per
#   repository lists every setting that is missing or could not be read.
# custom:
#   controls: [hipaa-164-312-c-1]
#   evidence: [git.hosted_settings]
#   severity: medium
default_branch_protected contains finding if {
	some item in input.evidence["git.hosted_settings"]
	d := _data(item)
	missing := _protection_missing(_object(d, "branch_protection"))
	unread := _protection_unread(d)
	count(missing) + count(unread) > 0
	parts := [part |
		some part in [_missing_part(missing), _unread_part(unread)]
		part != ""
	]
	finding := {
		"control": "hipaa-164-312-c-1",
		"resource": item.subject,
		"message": concat("", [
			"default branch ", _branch(d), " is not protected as required (", concat("; ", parts),
			"); protect it so every change is reviewed and checked before it lands",
		]),
		"severity": "medium",
	}
}
