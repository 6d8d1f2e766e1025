# Terraform configuration exported by the IAM policy playground.
# Scenario: Roles for cross-account access
#
# It creates the scenario's users, groups, roles, customer-managed policies and resources in the
# account and Region the AWS provider is configured for. ARNs of the scenario's account
# (111122223333) and partition are written with data.aws_caller_identity and data.aws_partition.
# Policies are written with jsonencode.
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

resource "aws_iam_role" "partner_audit_role" {
  name               = "PartnerAuditRole"
  description        = "Read access to reports for the partner's auditors."
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [
      {
        Sid       = "PartnerWithExternalId"
        Effect    = "Allow"
        Principal = {
          AWS = "arn:${data.aws_partition.current.partition}:iam::444455556666:root"
        }
        Action    = "sts:AssumeRole"
        Condition = {
          StringEquals = {
            "sts:ExternalId" = "Partner-7731"
          }
        }
      },
    ]
  })
}

resource "aws_iam_role_policy" "partner_audit_role_read_reports" {
  name   = "ReadReports"
  role   = aws_iam_role.partner_audit_role.name
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [
      {
        Sid    = "ReadReports"
        Effect = "Allow"
        Action = [
          "s3:GetObject",
          "s3:ListBucket",
        ]
        Resource = [
          "arn:${data.aws_partition.current.partition}:s3:::example-corp-reports",
          "arn:${data.aws_partition.current.partition}:s3:::example-corp-reports/*",
        ]
      },
    ]
  })
}

resource "aws_iam_role" "break_glass_admin" {
  name                 = "BreakGlassAdmin"
  description          = "Emergency administrator access for the operations account."
  max_session_duration = 7200
  assume_role_policy   = jsonencode({
    Version   = "2012-10-17"
    Statement = [
      {
        Sid       = "OpsAccountWithMfa"
        Effect    = "Allow"
        Principal = {
          AWS = "arn:${data.aws_partition.current.partition}:iam::444455556666:root"
        }
        Action    = "sts:AssumeRole"
        Condition = {
          Bool = {
            "aws:MultiFactorAuthPresent" = "true"
          }
        }
      },
    ]
  })
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
