# A hand-written configuration across two files (main.tf, iam.tf): a reports bucket with its
# policy, a readers group whose policy comes from a policy document, a deploy role with an
# inline policy in a heredoc, and what the import cannot read (listed as skipped).
terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }
}

provider "aws" {
  region = "us-east-1"
}

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

variable "bucket_name" {
  type    = string
  default = "example-corp-reports"
}

variable "contractors" {
  type = number
}

locals {
  prefix = "corp"
  tags = {
    team = "data"
  }
}

resource "aws_s3_bucket" "reports" {
  bucket = var.bucket_name
  tags   = merge(local.tags, { purpose = "reports" })
}

resource "aws_s3_bucket_policy" "reports" {
  bucket = aws_s3_bucket.reports.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "DeployWrites"
        Effect    = "Allow"
        Principal = { AWS = aws_iam_role.deploy.arn }
        Action    = ["s3:PutObject"]
        Resource  = "${aws_s3_bucket.reports.arn}/*"
      },
    ]
  })
}

resource "aws_lambda_function" "notifier" {
  function_name = "notifier"
  role          = aws_iam_role.deploy.arn
}

output "bucket" {
  value = aws_s3_bucket.reports.arn
}
