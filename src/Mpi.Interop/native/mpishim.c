/* placeholder: replaced by the MPI shim */
