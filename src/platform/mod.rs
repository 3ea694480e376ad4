//! Clients of the platforms roster manages. Only the Seqera Platform exists today.

pub mod seqera;
