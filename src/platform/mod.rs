//! Clients of the platforms roster talks to: the Seqera Platform (read and write), and
//! BaseSpace Sequence Hub (read only: its API has no workgroup writes).

pub mod basespace;
pub mod seqera;
