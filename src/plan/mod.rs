//! `flowsim plan`.
