package hipaa.technical.change_control

import rego.v1

# rego-cpp (regopy 1.5.2) aborts on some `with input as {literal}` shapes:
# bind `with` values to locals and override input's fields one by one.

_repo := "git:github.com/acme/api"

_repository(overrides) := _repository_at(_repo, overrides)

_repository_at(subject, overrides) := {
	"subject": subject,
	"data": object.union({
		"path": "../api", "remote": "github.com/acme/api", "default_branch": "main",
		"head_commit": "9fceb02d0ae598e95dc970b74767f19372d61af8",
		"codeowners": {"path": ".github/CODEOWNERS", "covers_all": true},
		"gitignore": {"env_files_ignored": true, "private_keys_ignored": true, "not_ignored": []},
		"sensitive_files_tracked": [],
		"commits": {"window_days": 90, "total": 41, "signed": 41, "unsigned": 0},
	}, overrides),
}

_protected := {
	"enabled": true, "required_approving_reviews": 1, "dismiss_stale_reviews": true,
	"require_code_owner_reviews": true, "required_status_checks": ["ci/test"],
	"enforce_admins": true, "allow_force_pushes": false, "allow_deletions": false,
	"required_signatures": false,
}

# What the collector reports for a branch with no protection at all.
_unprotected := {
	"enabled": false, "required_approving_reviews": 0, "dismiss_stale_reviews": false,
	"require_code_owner_reviews": false, "required_status_checks": [],
	"enforce_admins": false, "allow_force_pushes": true, "allow_deletions": true,
	"required_signatures": false,
}

_hosted(protection) := {
	"subject": "github:acme/api",
	"data": {
		"host": "github", "repository": "acme/api", "visibility": "private",
		"default_branch": "main", "branch_protection": protection,
		"secret_scanning": true, "secret_scanning_push_protection": true,
		"dependabot_alerts": true, "open_dependabot_alerts": 0,
	},
}

_codeowners_findings(items) := fs if {
	ev := {"git.repository": items}
	fs := codeowners_cover_all with input.evidence as ev
}

_signing_findings(items) := fs if {
	ev := {"git.repository": items}
	fs := commits_signed with input.evidence as ev
}

_protection_findings(items) := fs if {
	ev := {"git.hosted_settings": items}
	fs := default_branch_protected with input.evidence as ev
}

_messages(fs) := {f.message | some f in fs}

# codeowners_cover_all

test_codeowners_covering_all_no_finding if {
	count(_codeowners_findings([_repository({})])) == 0
}

test_missing_codeowners_is_found if {
	fs := _codeowners_findings([_repository({"codeowners": {"path": null, "covers_all": false}})])
	count(fs) == 1
	some f in fs
	f.control == "hipaa-164-312-c-1"
	f.resource == "git:github.com/acme/api"
	f.severity == "low"
	f.message == "no CODEOWNERS file (looked in CODEOWNERS, .github/, docs/ and .gitlab/); add one with a catch-all rule (* @team) so every file has an owner who reviews its changes"
}

test_partial_codeowners_is_found if {
	fs := _codeowners_findings([_repository({"codeowners": {"path": "CODEOWNERS", "covers_all": false}})])
	_messages(fs) == {"CODEOWNERS has no catch-all rule, so some files have no owner; add one (* @team) so every file has an owner who reviews its changes"}
}

test_codeowners_unknown_fails_closed if {
	fs := _codeowners_findings([
		_repository_at("git:local/a1", {"codeowners": null}),
		_repository_at("git:local/a2", {"codeowners": {"path": "CODEOWNERS", "covers_all": null}}),
		_repository_at("git:local/a3", {"codeowners": {"covers_all": true}}),
		{"subject": "git:local/b", "data": null},
		{"subject": "git:local/c"},
	])
	count(fs) == 5
	_messages(fs) == {
		"CODEOWNERS could not be read; add a CODEOWNERS file with a catch-all rule (* @team) so every file has an owner who reviews its changes",
		"whether CODEOWNERS covers every file could not be read; make sure it has a catch-all rule (* @team)",
	}
}

# commits_signed

test_all_commits_signed_no_finding if {
	count(_signing_findings([_repository({})])) == 0
	count(_signing_findings([_repository({"commits": {"window_days": 90, "total": 0, "signed": 0, "unsigned": 0}})])) == 0
}

test_unsigned_commits_are_counted if {
	fs := _signing_findings([_repository({"commits": {"window_days": 90, "total": 41, "signed": 38, "unsigned": 3}})])
	count(fs) == 1
	some f in fs
	f.control == "hipaa-164-312-c-2"
	f.resource == "git:github.com/acme/api"
	f.severity == "low"
	f.message == "3 of 41 commits in the last 90 days are unsigned; require signed commits, or record the alternative measure for hipaa-164-312-c-2"
}

test_signing_unknown_fails_closed if {
	fs := _signing_findings([
		_repository_at("git:local/a1", {"commits": null}),
		_repository_at("git:local/a2", {"commits": {"window_days": 90, "total": 41, "signed": 41, "unsigned": null}}),
		_repository_at("git:local/a3", {"commits": {"unsigned": 2}}),
		{"subject": "git:local/b", "data": null},
	])
	count(fs) == 4
	_messages(fs) == {
		"commit signatures could not be read; require signed commits, or record the alternative measure for hipaa-164-312-c-2",
		"2 of ? commits in the last ? days are unsigned; require signed commits, or record the alternative measure for hipaa-164-312-c-2",
	}
}

# default_branch_protected

test_protected_branch_no_finding if {
	count(_protection_findings([_hosted(_protected)])) == 0
}

test_unprotected_branch_lists_every_missing_setting if {
	fs := _protection_findings([_hosted(_unprotected)])
	count(fs) == 1
	some f in fs
	f.control == "hipaa-164-312-c-1"
	f.resource == "github:acme/api"
	f.severity == "medium"
	f.message == "default branch main is not protected as required (missing: branch protection, at least 1 required approving review, force pushes blocked, deletions blocked, at least 1 required status check); protect it so every change is reviewed and checked before it lands"
}

test_one_missing_setting_is_named if {
	p := object.union(_protected, {"required_status_checks": [], "allow_deletions": true})
	fs := _protection_findings([_hosted(p)])
	_messages(fs) == {"default branch main is not protected as required (missing: deletions blocked, at least 1 required status check); protect it so every change is reviewed and checked before it lands"}
}

test_unreadable_settings_fail_closed if {
	p := object.union(_protected, {"required_approving_reviews": null, "allow_force_pushes": true})
	fs := _protection_findings([_hosted(p)])
	_messages(fs) == {"default branch main is not protected as required (missing: force pushes blocked; could not be read: required_approving_reviews); protect it so every change is reviewed and checked before it lands"}
}

test_unreadable_protection_fails_closed if {
	unknown := {
		"enabled": null, "required_approving_reviews": null, "dismiss_stale_reviews": null,
		"require_code_owner_reviews": null, "required_status_checks": null,
		"enforce_admins": null, "allow_force_pushes": null, "allow_deletions": null,
		"required_signatures": null,
	}
	fs := _protection_findings([
		_hosted(unknown),
		_hosted(null),
		{"subject": "gitlab:acme/web", "data": null},
	])
	count(fs) == 3
	_messages(fs) == {
		"default branch main is not protected as required (could not be read: enabled, required_approving_reviews, allow_force_pushes, allow_deletions, required_status_checks); protect it so every change is reviewed and checked before it lands",
		"default branch main is not protected as required (could not be read: branch_protection); protect it so every change is reviewed and checked before it lands",
		"default branch (unknown) is not protected as required (could not be read: branch_protection); protect it so every change is reviewed and checked before it lands",
	}
}

test_settings_beyond_the_required_ones_do_not_matter if {
	p := object.union(_protected, {"enforce_admins": false, "required_signatures": null, "dismiss_stale_reviews": null})
	count(_protection_findings([_hosted(p)])) == 0
}
