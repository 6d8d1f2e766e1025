data "aws_iam_policy_document" "read_reports" {
  statement {
    sid       = "ReadOwnPrefix"
    actions   = ["s3:GetObject"]
    resources = ["${aws_s3_bucket.reports.arn}/home/&{aws:username}/*"]
  }

  statement {
    actions   = ["s3:ListBucket"]
    resources = [aws_s3_bucket.reports.arn]

    condition {
      test     = "StringLike"
      variable = "s3:prefix"
      values   = ["home/&{aws:username}/*"]
    }
  }
}

resource "aws_iam_policy" "read_reports" {
  name        = "${local.prefix}-read-reports"
  description = "Read your own prefix of the reports bucket"
  policy      = data.aws_iam_policy_document.read_reports.json
}

resource "aws_iam_group" "readers" {
  name = "readers"
}

resource "aws_iam_group_policy_attachment" "readers" {
  group      = aws_iam_group.readers.name
  policy_arn = aws_iam_policy.read_reports.arn
}

resource "aws_iam_user" "maria" {
  name = "maria"
  tags = local.tags
}

resource "aws_iam_user_group_membership" "maria" {
  user   = aws_iam_user.maria.name
  groups = [aws_iam_group.readers.name]
}

resource "aws_iam_user_login_profile" "maria" {
  user                    = aws_iam_user.maria.name
  password_reset_required = true
}

data "aws_iam_policy_document" "deploy_trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "AWS"
      identifiers = ["arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root"]
    }
  }
}

resource "aws_iam_role" "deploy" {
  name                 = "deploy"
  path                 = "/app/"
  description          = "Deploys the reports"
  assume_role_policy   = data.aws_iam_policy_document.deploy_trust.json
  max_session_duration = 7200

  inline_policy {
    name   = "logs"
    policy = <<-EOT
      {
        "Version": "2012-10-17",
        "Statement": [
          {
            "Effect": "Allow",
            "Action": "logs:PutLogEvents",
            "Resource": "arn:aws:logs:*:${data.aws_caller_identity.current.account_id}:*"
          }
        ]
      }
    EOT
  }
}

resource "aws_iam_role_policy_attachment" "deploy_read" {
  role       = aws_iam_role.deploy.name
  policy_arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"
}

# One contractor user per var.contractors, which has no default: skipped.
resource "aws_iam_user" "contractor" {
  count = var.contractors
  name  = "contractor"
}

# count = 1 is one user: imported.
resource "aws_iam_user" "auditor" {
  count         = 1
  name          = "auditor"
  force_destroy = true
}

# A policy read from a file the import does not have: skipped.
resource "aws_iam_user_policy" "maria_extra" {
  user   = aws_iam_user.maria.name
  name   = "extra"
  policy = file("${path.module}/extra.json")
}

# The same shape with the policy written out: imported.
resource "aws_iam_user_policy" "maria_own" {
  user = aws_iam_user.maria.name
  name = "own-keys"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "iam:CreateAccessKey", Resource = aws_iam_user.maria.arn }]
  })
}
