# Terraform configuration exported by the IAM policy playground.
# Scenario: Roles for cross-account access
#
# It creates the scenario's users, groups, roles, customer-managed policies and resources in the
# account and Region the AWS provider is configured for. ARNs of the scenario's account
# (111122223333) and partition are written with data.aws_caller_identity and data.aws_partition.
# Policies are aws_iam_policy_document data sources, policy variables written &{...}; a policy the
# data source cannot write exactly is written with jsonencode, the reason beside it.
#
# Not created:
# - The root user's credentials (password, MFA, access keys) are not managed by Terraform: sign in
#   as the root user to manage them.
# - Organization policies (SCPs and RCPs) are attached in the organization's management account,
#   not by a configuration in a member account.
# - External principals belong to other accounts and are not created.

terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.0"
    }
  }
}

# The account and partition the AWS provider deploys to: ARNs of the scenario's own account and
# partition are written with them.
data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

data "aws_iam_policy_document" "partner_audit_role_trust" {
  version = "2012-10-17"
  statement {
    sid     = "PartnerWithExternalId"
    effect  = "Allow"
    actions = ["sts:AssumeRole"]
    principals {
      type        = "AWS"
      identifiers = ["arn:${data.aws_partition.current.partition}:iam::444455556666:root"]
    }
    condition {
      test     = "StringEquals"
      variable = "sts:ExternalId"
      values   = ["Partner-7731"]
    }
  }
}

resource "aws_iam_role" "partner_audit_role" {
  name               = "PartnerAuditRole"
  description        = "Read access to reports for the partner's auditors."
  assume_role_policy = data.aws_iam_policy_document.partner_audit_role_trust.json
}

data "aws_iam_policy_document" "partner_audit_role_read_reports" {
  version = "2012-10-17"
  statement {
    sid     = "ReadReports"
    effect  = "Allow"
    actions = [
      "s3:GetObject",
      "s3:ListBucket",
    ]
    resources = [
      "arn:${data.aws_partition.current.partition}:s3:::example-corp-reports",
      "arn:${data.aws_partition.current.partition}:s3:::example-corp-reports/*",
    ]
  }
}

resource "aws_iam_role_policy" "partner_audit_role_read_reports" {
  name   = "ReadReports"
  role   = aws_iam_role.partner_audit_role.name
  policy = data.aws_iam_policy_document.partner_audit_role_read_reports.json
}

data "aws_iam_policy_document" "break_glass_admin_trust" {
  version = "2012-10-17"
  statement {
    sid     = "OpsAccountWithMfa"
    effect  = "Allow"
    actions = ["sts:AssumeRole"]
    principals {
      type        = "AWS"
      identifiers = ["arn:${data.aws_partition.current.partition}:iam::444455556666:root"]
    }
    condition {
      test     = "Bool"
      variable = "aws:MultiFactorAuthPresent"
      values   = ["true"]
    }
  }
}

resource "aws_iam_role" "break_glass_admin" {
  name                 = "BreakGlassAdmin"
  description          = "Emergency administrator access for the operations account."
  max_session_duration = 7200
  assume_role_policy   = data.aws_iam_policy_document.break_glass_admin_trust.json
}

resource "aws_iam_role_policy_attachment" "break_glass_admin_administrator_access" {
  role       = aws_iam_role.break_glass_admin.name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/AdministratorAccess"
}

resource "aws_s3_bucket" "example_corp_reports" {
  bucket = "example-corp-reports"

  lifecycle {
    prevent_destroy = true
  }
}
